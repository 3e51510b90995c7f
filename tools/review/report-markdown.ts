/**
 * The review as a merge-request note: risk highlights first, then per cluster a table of added, removed, changed
 * and renamed objects, then a collapsible section per object with its field changes (an added object shows its
 * YAML).
 */
import { stringify } from 'yaml';
import { changeLines, formatChangedValues } from './format-change';
import { describeObject } from './manifests';
import { formatPath } from './paths';
import type { ObjectChange } from './object-diff';
import { byCluster, changeNote, changeTitle, countChanges } from './outline';
import type { ManifestReview } from './review';
import { RISK_TITLES } from './risks/highlight';
import { formatValue } from './values';

/** Longest YAML shown for an added object. */
const MAX_ADDED_LINES = 60;

function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

function code(text: string): string {
  return text ? `\`${text.replace(/`/g, "'")}\`` : '';
}

/** Body of a ```diff block: `-`/`+` lines for old and new values, hunks as they are. */
function detailLines(change: ObjectChange): string[] {
  const out: string[] = [];
  if (change.moved) out.push(`# moved: ${change.moved.from} → ${change.moved.to}`);
  for (const field of change.fields) {
    const [first] = changeLines(field);
    const shown = field.type === 'changed' ? formatChangedValues(formatPath(field.path) || '(document)', field.from, field.to) : undefined;
    if (field.type === 'changed' && shown && first.text.endsWith(` → ${shown[1]}`)) {
      const path = first.text.slice(0, first.text.indexOf(': '));
      out.push(`- ${path}: ${shown[0]}`, `+ ${path}: ${shown[1]}`);
    } else if (field.type === 'changed' && Array.isArray(field.from) && Array.isArray(field.to)) {
      // A long list of scalars: one line per element added or removed.
      const path = formatPath(field.path);
      const before = field.from as unknown[];
      const after = field.to as unknown[];
      const lines = [
        ...before.filter((v) => !after.includes(v)).map((v) => `- ${path}: ${formatValue(v)}`),
        ...after.filter((v) => !before.includes(v)).map((v) => `+ ${path}: ${formatValue(v)}`),
      ];
      out.push(...(lines.length ? lines : [`! ${first.text}`]));
    } else if (field.type === 'changed') {
      out.push(`! ${first.text}`);
    } else {
      for (const line of changeLines(field)) {
        if (line.sign === '+') out.push(`+ ${line.text}`);
        else if (line.sign === '-') out.push(`- ${line.text}`);
        else if (line.sign === '@') out.push(line.text.startsWith('@@') ? line.text : `${line.text.slice(0, 1)}   ${line.text.slice(1)}`);
        else out.push(`@@ ${line.text.replace(/:$/, '')} @@`);
      }
    }
  }
  return out;
}

function addedYaml(change: ObjectChange): string[] {
  const yaml = stringify(change.head!.body).trimEnd().split('\n');
  return yaml.length > MAX_ADDED_LINES ? [...yaml.slice(0, MAX_ADDED_LINES), `# … ${yaml.length - MAX_ADDED_LINES} more lines`] : yaml;
}

export function markdownReport(review: ManifestReview): string {
  if (!review.changes.length) return 'no changes\n';
  const out: string[] = [];
  out.push(`### Rendered manifests: ${code(review.base.label)} → ${code(review.head.label)}`, '');
  out.push(`${countChanges(review.changes)} across ${byCluster(review.changes).map((c) => c.cluster).join(', ')}.`, '');
  for (const warning of review.warnings) out.push(`> **Warning:** ${warning}`, '');
  if (review.highlights.length) {
    out.push(`#### :warning: Risk highlights (${review.highlights.length})`, '');
    out.push('| Risk | Cluster | Object | Field | Change |', '| --- | --- | --- | --- | --- |');
    for (const h of review.highlights) {
      out.push(`| ${RISK_TITLES[h.kind]} | ${h.cluster} | ${cell(code(h.object))} | ${cell(code(h.field))} | ${cell(h.message)} |`);
    }
    out.push('');
  } else {
    out.push('No risk highlights.', '');
  }
  for (const { cluster, changes } of byCluster(review.changes)) {
    out.push(`#### ${cluster}: ${countChanges(changes)}`, '');
    out.push('| Change | Kind | Object | Fields |', '| --- | --- | --- | --- |');
    for (const change of changes) {
      const object = (change.head ?? change.base)!;
      const name = change.type === 'renamed' ? `${describeObject(change.base!).replace(/^\S+ /, '')} → ${change.head!.name}` : describeObject(object).replace(/^\S+ /, '');
      const fields = change.type === 'changed' || change.type === 'renamed' ? String(change.fields.length) : '';
      out.push(`| ${change.type} | ${object.kind} | ${cell(code(name))} | ${fields} |`);
    }
    out.push('');
    for (const change of changes) {
      if (change.type === 'removed') continue;
      const body = change.type === 'added' ? ['```yaml', ...addedYaml(change), '```'] : ['```diff', ...detailLines(change), '```'];
      const note = changeNote(change);
      const count = change.type === 'added' ? 'new' : `${change.fields.length} field${change.fields.length === 1 ? '' : 's'}`;
      out.push(`<details><summary>${change.type} <code>${escapeHtml(changeTitle(change))}</code> (${count}${note ? `; ${escapeHtml(note)}` : ''})</summary>`, '');
      out.push(...body, '', '</details>', '');
    }
  }
  return `${out.join('\n').trimEnd()}\n`;
}

function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
