/**
 * npm run -s diff -- [--format text|markdown] <base-ref> [<head-ref>]: what the rendered manifests change between
 * two revisions, risk highlights first. Exit status: 0 no changes, 1 changes, 2 error. See tools/review/.
 */
import { diffCommand } from '../tools/review/diff-cli';

void diffCommand(process.argv.slice(2), process.cwd(), { color: !!process.stdout.isTTY && !process.env.NO_COLOR }).then((result) => {
  process.stdout.write(result.stdout);
  process.stderr.write(result.stderr);
  process.exitCode = result.code;
});
