/**
 * Shows a value from a definition as it was written, for error messages: `NaN` as NaN (not null), a BigInt as
 * `10n`, a function as a function, nothing as nothing. Never throws (a BigInt or a cycle breaks JSON.stringify),
 * and never echoes a secret: token-shaped text and credentials in URLs are redacted.
 */
import { redactTokens } from './token-shapes';

const MAX_LENGTH = 80;

function show(value: unknown, seen: Set<object>, depth: number): string {
  switch (typeof value) {
    case 'undefined':
      return 'nothing';
    case 'string':
      return JSON.stringify(redactTokens(value));
    case 'number':
      return Object.is(value, -0) ? '-0' : String(value);
    case 'bigint':
      return `${value}n`;
    case 'boolean':
      return String(value);
    case 'symbol':
      return value.toString();
    case 'function':
      return value.name ? `a function (${value.name})` : 'a function';
  }
  if (value === null) return 'null';
  const object = value as object;
  if (seen.has(object)) return '(itself)';
  if (depth > 3) return Array.isArray(object) ? '[…]' : '{…}';
  seen.add(object);
  try {
    if (Array.isArray(object)) return `[${object.map((item) => show(item, seen, depth + 1)).join(',')}]`;
    const prototype = Object.getPrototypeOf(object);
    if (prototype !== null && Object.getPrototypeOf(prototype) !== null) {
      const name = (object as { constructor?: { name?: string } }).constructor?.name;
      return name ? `a ${name}` : 'an object that is not plain data';
    }
    const entries = Object.keys(object).map((key) => {
      let shown: string;
      try {
        shown = show((object as Record<string, unknown>)[key], seen, depth + 1);
      } catch {
        shown = '(unreadable)';
      }
      return `${JSON.stringify(redactTokens(key))}:${shown}`;
    });
    return `{${entries.join(',')}}`;
  } finally {
    seen.delete(object);
  }
}

/** The value as written, short enough for one line of an error message, with secrets redacted. */
export function showValue(value: unknown): string {
  const text = show(value, new Set(), 0);
  return text.length > MAX_LENGTH ? `${text.slice(0, MAX_LENGTH - 3)}...` : text;
}
