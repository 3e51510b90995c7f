/**
 * `npm run -s diff -- [--format text|markdown] <base-ref> [<head-ref>]`: the rendered-manifest diff between two
 * revisions (head defaults to the working tree). Exit status: 0 nothing changed, 1 something changed, 2 error.
 */
import { redactTokens } from '../../lib/model/token-shapes';
import { markdownReport } from './report-markdown';
import { textReport } from './report-text';
import { reviewRevisions, type ManifestReview } from './review';
import { repositoryRoot } from './revisions';

export const USAGE = `usage: npm run -s diff -- [--format text|markdown] <base-ref> [<head-ref>]
  Renders both revisions from their own sources and shows what changes on the clusters, risk highlights first.
  <head-ref> defaults to the working tree. Exit status: 0 no changes, 1 changes, 2 error.`;

export type Format = 'text' | 'markdown';

export interface DiffArguments {
  readonly format: Format;
  readonly base: string;
  readonly head?: string;
}

export interface CommandResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Parses the command line; throws an Error with the usage on anything it does not understand. */
export function parseDiffArguments(args: readonly string[]): DiffArguments | 'help' {
  let format: Format = 'text';
  const refs: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === '-h' || arg === '--help') return 'help';
    if (arg === '--format' || arg.startsWith('--format=')) {
      const value = arg === '--format' ? args[++i] : arg.slice('--format='.length);
      if (value !== 'text' && value !== 'markdown') throw new Error(`--format must be text or markdown, got ${value === undefined ? 'nothing' : `"${value}"`}`);
      format = value;
    } else if (arg === '--') {
      refs.push(...args.slice(i + 1));
      break;
    } else if (arg.startsWith('-') && arg !== '-') {
      throw new Error(`unknown option ${arg}`);
    } else {
      refs.push(arg);
    }
  }
  if (refs.length < 1 || refs.length > 2) throw new Error(`give a base revision and at most one head revision, got ${refs.length}`);
  if (refs.some((ref) => ref === '')) throw new Error('a revision is empty (is $CI_MERGE_REQUEST_DIFF_BASE_SHA set?)');
  return { format, base: refs[0], ...(refs[1] !== undefined ? { head: refs[1] } : {}) };
}

export function formatReview(review: ManifestReview, format: Format, color = false): string {
  return format === 'markdown' ? markdownReport(review) : textReport(review, { color });
}

/** Runs the diff command in `cwd`; never throws: every failure is exit status 2 with a message. */
export async function diffCommand(args: readonly string[], cwd: string, options: { readonly color?: boolean } = {}): Promise<CommandResult> {
  let parsed: DiffArguments | 'help';
  try {
    parsed = parseDiffArguments(args);
  } catch (error) {
    return { code: 2, stdout: '', stderr: `manifests diff: ${(error as Error).message}\n${USAGE}\n` };
  }
  if (parsed === 'help') return { code: 0, stdout: `${USAGE}\n`, stderr: '' };
  try {
    const review = await reviewRevisions(repositoryRoot(cwd), parsed.base, parsed.head);
    const stderr = review.changes.length ? '' : review.warnings.map((w) => `warning: ${w}\n`).join('');
    // Whatever the report quotes (values, hunks, added objects), a token in it is shown redacted.
    return { code: review.changes.length ? 1 : 0, stdout: redactTokens(formatReview(review, parsed.format, options.color)), stderr };
  } catch (error) {
    const known = error instanceof Error && (error.name === 'ReviewError' || error.name === 'UnreadableFileError');
    const message = known ? (error as Error).message : `unexpected failure (a bug in the diff tool):\n${(error as Error).stack ?? String(error)}`;
    return { code: 2, stdout: '', stderr: `manifests diff: ${message}\n` };
  }
}
