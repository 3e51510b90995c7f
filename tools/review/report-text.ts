/** The review as plain text for a terminal: highlights first, then per cluster every object change and its fields. */
import { changeLines } from './format-change';
import { byCluster, changeNote, changeTitle, countChanges } from './outline';
import type { ManifestReview } from './review';
import { RISK_TITLES } from './risks/highlight';

export interface TextOptions {
  /** ANSI colours (a terminal that wants them). */
  readonly color?: boolean;
}

const SIGNS = { changed: '~', renamed: '>', added: '+', removed: '-' } as const;

export function textReport(review: ManifestReview, options: TextOptions = {}): string {
  if (!review.changes.length) return 'no changes\n';
  const paint = (code: number, text: string) => (options.color ? `\x1b[${code}m${text}\x1b[0m` : text);
  const red = (t: string) => paint(31, t);
  const green = (t: string) => paint(32, t);
  const bold = (t: string) => paint(1, t);
  const lines: string[] = [];
  lines.push(bold(`manifests ${review.base.label} → ${review.head.label}: ${countChanges(review.changes)}`));
  for (const warning of review.warnings) lines.push(paint(33, `warning: ${warning}`));
  if (review.highlights.length) {
    lines.push('', bold(red(`RISK HIGHLIGHTS (${review.highlights.length})`)));
    for (const h of review.highlights) {
      lines.push(`  ${red('!')} ${RISK_TITLES[h.kind]}: ${h.cluster} · ${h.object}${h.field ? ` · ${h.field}` : ''}`);
      lines.push(`      ${h.message}`);
    }
  }
  for (const { cluster, changes } of byCluster(review.changes)) {
    lines.push('', bold(`${cluster}: ${countChanges(changes)}`));
    for (const change of changes) {
      const sign = SIGNS[change.type];
      const note = changeNote(change);
      const title = `  ${sign} ${changeTitle(change)}${note ? `  (${note})` : ''}`;
      lines.push(change.type === 'added' ? green(title) : change.type === 'removed' ? red(title) : title);
      for (const line of change.fields.flatMap(changeLines)) {
        const text = line.sign === '@' ? `        ${line.text}` : `      ${line.sign === '~' ? '' : `${line.sign} `}${line.text}`;
        const colored = line.text.startsWith('+') || line.sign === '+' ? green(text) : line.text.startsWith('-') || line.sign === '-' ? red(text) : text;
        lines.push(line.sign === '@' || line.sign !== '~' ? colored : text);
      }
    }
  }
  return `${lines.join('\n')}\n`;
}
