/**
 * Values as the diff sees them: equality, and a short one-line form for a reviewer (YAML flow style: strings
 * quoted only where a plain scalar would read as something else, so `"32"` stays distinguishable from 32).
 */

export type Mapping = Record<string, unknown>;

export function isMapping(value: unknown): value is Mapping {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function isScalar(value: unknown): boolean {
  return value === null || value === undefined || (typeof value !== 'object' && typeof value !== 'function');
}

/** Structural equality of parsed YAML, JSON or TOML values (TOML dates compare by their text). */
export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a instanceof Date || b instanceof Date) return String(a) === String(b);
  if (Array.isArray(a) || Array.isArray(b)) {
    return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((v, i) => deepEqual(v, b[i]));
  }
  if (isMapping(a) && isMapping(b)) {
    const keys = Object.keys(a);
    return keys.length === Object.keys(b).length && keys.every((k) => k in b && deepEqual(a[k], b[k]));
  }
  return false;
}

const PLAIN = /^[A-Za-z0-9_/.][A-Za-z0-9_./:@%+=-]*$/;
const LOOKS_TYPED = /^(?:true|false|yes|no|on|off|null|~|[-+]?[0-9.]+(?:e[-+]?[0-9]+)?)$/i;

function formatScalar(value: unknown): string {
  if (typeof value === 'string') return PLAIN.test(value) && !LOOKS_TYPED.test(value) ? value : JSON.stringify(value);
  if (value === undefined || value === null) return 'null';
  if (value instanceof Date) return value.toISOString();
  return String(value);
}

/** A one-line form of any value, cut to `max` characters. */
export function formatValue(value: unknown, max = 160): string {
  const text = flow(value);
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

function flow(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(flow).join(', ')}]`;
  if (isMapping(value) && !(value instanceof Date)) {
    return `{${Object.entries(value)
      .map(([k, v]) => `${formatScalar(k)}: ${flow(v)}`)
      .join(', ')}}`;
  }
  return formatScalar(value);
}
