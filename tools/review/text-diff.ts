/**
 * Line-wise diff of multi-line strings (scripts in ConfigMaps, any text that is not a parsed document):
 * unified hunks with little context, cut short, because a reviewer wants the change, not the file.
 */
import { structuredPatch } from 'diff';

/** Lines of unchanged context around each change. */
const CONTEXT = 1;
/** Longest hunk text kept per field; the rest is counted. */
const MAX_LINES = 40;

/** Unified-diff lines (`@@ -a,b +c,d @@`, then ` `, `-`, `+` lines); empty when the texts are equal. */
export function unifiedHunks(before: string, after: string, maxLines = MAX_LINES): string[] {
  if (before === after) return [];
  const patch = structuredPatch('', '', before, after, undefined, undefined, { context: CONTEXT });
  const lines: string[] = [];
  for (const hunk of patch.hunks) {
    lines.push(`@@ -${hunk.oldStart},${hunk.oldLines} +${hunk.newStart},${hunk.newLines} @@`);
    lines.push(...hunk.lines.filter((line) => !line.startsWith('\\')));
  }
  if (lines.length > maxLines) {
    const rest = lines.length - maxLines;
    return [...lines.slice(0, maxLines), `… ${rest} more diff line${rest === 1 ? '' : 's'}`];
  }
  return lines;
}
