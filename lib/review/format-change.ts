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
      return [{ sign: '~', text: `${path}: ${formatValue(change.from, 100)} → ${formatValue(change.to, 100)}` }];
    }
  }
}
