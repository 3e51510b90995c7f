/**
 * Documents embedded in string fields: a runner manager's `config.template.toml` in its ConfigMap is one big
 * string to Kubernetes, but a reviewer reads it as TOML, key by key.
 */
import TOML from '@iarna/toml';
import { isMapping, type Mapping } from './values';

/** Parses a ConfigMap data entry when its name says it is TOML and it parses; undefined otherwise. */
export function parseEmbedded(key: string, text: unknown): Mapping | undefined {
  if (typeof text !== 'string' || !key.endsWith('.toml')) return undefined;
  if (parsed.has(text)) return parsed.get(text);
  let value: Mapping | undefined;
  try {
    // Through JSON: TOML tables carry symbols and dates are objects; the diff wants plain data.
    value = JSON.parse(JSON.stringify(TOML.parse(text))) as Mapping;
  } catch {
    value = undefined;
  }
  if (parsed.size > 1000) parsed.clear();
  parsed.set(text, value);
  return value;
}

/** Parsed documents by text: every check reads the same few runner configs. Callers must not modify them. */
const parsed = new Map<string, Mapping | undefined>();

/** The string-valued ConfigMap data entries of an object (none for other kinds). */
export function configMapData(object: unknown): Record<string, string> {
  if (!isMapping(object) || object.kind !== 'ConfigMap' || !isMapping(object.data)) return {};
  return Object.fromEntries(Object.entries(object.data).filter(([, v]) => typeof v === 'string')) as Record<string, string>;
}

/** Embedded documents of an object that parse: `config.template.toml` → its parsed tables. */
export function embeddedDocuments(object: unknown): Array<{ readonly name: string; readonly value: Mapping }> {
  return Object.entries(configMapData(object)).flatMap(([name, text]) => {
    const value = parseEmbedded(name, text);
    return value ? [{ name, value }] : [];
  });
}
