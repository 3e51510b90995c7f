/**
 * A definition is plain data: object literals, lists, strings, finite numbers and booleans. It is copied once,
 * here, before anything validates it, and everything after reads only the copy:
 * - a value that is not data (a function someone forgot to call, a BigInt, NaN, Infinity, a Date, a class
 *   instance, a list that contains itself) is a problem reported as written, never a crash of the formatter;
 * - a key whose value is `undefined` is left out, so it means "not set" and the default applies: no default is
 *   ever replaced by `undefined`;
 * - a getter is read exactly once, so what is validated is what is rendered.
 */
import type { DefinitionProblem } from './problems';
import { formatPath } from './problems';
import { showValue } from './show-value';

/** The copy of a definition (undefined keys dropped, offending values left out) and what is wrong with it. */
export interface PlainData {
  readonly data: unknown;
  readonly problems: DefinitionProblem[];
}

function describeNonData(value: unknown): string | undefined {
  switch (typeof value) {
    case 'function':
      return 'must be a value, not a function (was it meant to be called?)';
    case 'bigint':
      return 'must be a plain number, not a BigInt';
    case 'symbol':
      return 'must be a value, not a symbol';
    case 'number':
      return Number.isFinite(value) ? undefined : 'must be a finite number';
    default:
      return undefined;
  }
}

/** An object literal (of any realm: a test's sandbox has its own Object.prototype), not a class instance. */
export function isPlainObject(value: object): boolean {
  const prototype = Object.getPrototypeOf(value);
  return prototype === null || Object.getPrototypeOf(prototype) === null;
}

/** Copies `input` as plain data; see the module comment for what that means. */
export function toPlainData(input: unknown): PlainData {
  const problems: DefinitionProblem[] = [];
  const stack = new Set<object>();

  const copy = (value: unknown, path: readonly PropertyKey[]): unknown => {
    const problem = describeNonData(value);
    if (problem) {
      problems.push({ path: formatPath(path), message: `${problem}, got ${showValue(value)}` });
      return undefined;
    }
    if (value === null || typeof value !== 'object') return value;
    if (stack.has(value)) {
      problems.push({ path: formatPath(path), message: 'must be plain data, but it contains itself' });
      return undefined;
    }
    if (!Array.isArray(value) && !isPlainObject(value)) {
      problems.push({
        path: formatPath(path),
        message: `must be plain data (an object literal, a list, a string, a number or a boolean), got ${showValue(value)}`,
      });
      return undefined;
    }
    stack.add(value);
    try {
      if (Array.isArray(value)) return value.map((item, index) => copy(item, [...path, index]));
      const out: Record<string, unknown> = {};
      for (const key of Object.keys(value)) {
        let item: unknown;
        try {
          item = (value as Record<string, unknown>)[key];
        } catch (error) {
          problems.push({ path: formatPath([...path, key]), message: `could not be read: ${(error as Error)?.message ?? String(error)}` });
          continue;
        }
        if (item === undefined) continue; // not set: the default applies
        const copied = copy(item, [...path, key]);
        if (copied !== undefined) out[key] = copied;
      }
      return out;
    } finally {
      stack.delete(value);
    }
  };

  return { data: copy(input, []), problems };
}
