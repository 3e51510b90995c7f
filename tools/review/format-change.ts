/**
 * One field change as reviewers read it, shared by the text and Markdown reports:
 * `spec.limits.cpu: "32" → "64"`, `verbs: + patch`, `+ metadata.labels.x: y`, or a unified hunk.
 */
import type { FieldChange } from './field-diff';
import { formatPath } from './paths';
import { formatValue, isScalar } from './values';

export interface ChangeLine {
  /** `~` changed, `+` added, `-` removed, `@` text hunk line. */
  readonly sign: '~' | '+' | '-' | '@';
  readonly text: string;
}

function scalarList(value: unknown): unknown[] | undefined {
  return Array.isArray(value) && value.every(isScalar) ? value : undefined;
}

const CHECKSUM = /^[0-9a-f]{64}$/;

/**
 * Old and new value of a changed field, as short as reads well: a config checksum shows its first 12 characters;
 * two long values that start alike show a window around where they differ, so the change itself is never cut off.
 */
export function formatChangedValues(path: string, from: unknown, to: unknown, max = 100): [string, string] {
  if (/checksum\//.test(path) && typeof from === 'string' && typeof to === 'string' && CHECKSUM.test(from) && CHECKSUM.test(to)) {
    return [`${from.slice(0, 12)}…`, `${to.slice(0, 12)}…`];
  }
  const before = formatValue(from, Infinity);
  const after = formatValue(to, Infinity);
  if (before.length <= max && after.length <= max) return [before, after];
  let same = 0;
  while (same < before.length && same < after.length && before[same] === after[same]) same++;
  const start = Math.max(0, same - Math.floor(max / 3));
  const window = (text: string) => `${start > 0 ? '…' : ''}${text.slice(start, start + max)}${text.length > start + max ? '…' : ''}`;
  return [window(before), window(after)];
}

/** The lines of one field change: one for most, a header and hunk lines for text. */
export function changeLines(change: FieldChange): ChangeLine[] {
  const path = formatPath(change.path) || '(document)';
  switch (change.type) {
    case 'added':
      return [{ sign: '+', text: `${path}: ${formatValue(change.value)}` }];
    case 'removed':
      return [{ sign: '-', text: `${path}: ${formatValue(change.value)}` }];
    case 'text':
      return [{ sign: '~', text: `${path}:` }, ...change.hunks.map((line) => ({ sign: '@' as const, text: line }))];
    case 'changed': {
      const from = scalarList(change.from);
      const to = scalarList(change.to);
      if (from && to && from.length + to.length > 6) {
        const added = to.filter((v) => !from.includes(v)).map((v) => `+ ${formatValue(v)}`);
        const removed = from.filter((v) => !to.includes(v)).map((v) => `- ${formatValue(v)}`);
        const parts = [...added, ...removed];
        return [{ sign: '~', text: `${path}: ${parts.length ? parts.join(', ') : 'reordered'}` }];
      }
      const [before, after] = formatChangedValues(path, change.from, change.to);
      return [{ sign: '~', text: `${path}: ${before} → ${after}` }];
    }
  }
}
