/**
 * npm run -s summary -- [--format text|markdown]: per cluster and runner, the concurrency, job sizes, capacity
 * and pool limits of the fleet, from the definitions (no git). Exit status 2 on a bad argument or definition.
 */
import { summarizeFleet, summaryMarkdown, summaryText } from '../tools/review/fleet-summary';

function main(args: readonly string[]): number {
  let format = 'text';
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === '--format' || arg.startsWith('--format=')) format = arg === '--format' ? (args[++i] ?? '') : arg.slice('--format='.length);
    else if (arg === '-h' || arg === '--help') {
      console.log('usage: npm run -s summary -- [--format text|markdown]');
      return 0;
    } else {
      console.error(`summary: unknown argument ${arg}\nusage: npm run -s summary -- [--format text|markdown]`);
      return 2;
    }
  }
  if (format !== 'text' && format !== 'markdown') {
    console.error(`summary: --format must be text or markdown, got "${format}"`);
    return 2;
  }
  let fleet;
  try {
    // Resolving validates every definition; an invalid one is reported, not thrown.
    fleet = (require('../definitions') as typeof import('../definitions')).fleet;
  } catch (error) {
    console.error(`summary: ${(error as Error).message}`);
    return 2;
  }
  const tables = summarizeFleet(fleet);
  process.stdout.write(format === 'markdown' ? summaryMarkdown(tables) : summaryText(tables));
  return 0;
}

process.exitCode = main(process.argv.slice(2));
