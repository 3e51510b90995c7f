/**
 * npm run -s summary -- [--format text|markdown|mermaid|shape] [--no-diagram]: per cluster and runner, the
 * concurrency, job sizes, capacity and pool limits of the fleet, from the definitions (no git). markdown adds a
 * Mermaid picture of each cluster (unless --no-diagram); mermaid prints only the pictures; shape prints the
 * structure the pictures show, without numbers (manifests:diff compares it between revisions to decide whether the
 * merge-request note shows the pictures). Exit status 2 on a bad argument or definition.
 */
import { fleetMermaidMarkdown, fleetShape } from '../tools/review/fleet-mermaid';
import { summarizeFleet, summaryMarkdown, summaryText } from '../tools/review/fleet-summary';

function main(args: readonly string[]): number {
  let format = 'text';
  let diagram = true;
  const usage = 'usage: npm run -s summary -- [--format text|markdown|mermaid|shape] [--no-diagram]';
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === '--format' || arg.startsWith('--format=')) format = arg === '--format' ? (args[++i] ?? '') : arg.slice('--format='.length);
    else if (arg === '--no-diagram') diagram = false;
    else if (arg === '-h' || arg === '--help') {
      console.log(usage);
      return 0;
    } else {
      console.error(`summary: unknown argument ${arg}\n${usage}`);
      return 2;
    }
  }
  if (!['text', 'markdown', 'mermaid', 'shape'].includes(format)) {
    console.error(`summary: --format must be text, markdown, mermaid or shape, got "${format}"`);
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
  if (format === 'shape') process.stdout.write(fleetShape(fleet));
  else if (format === 'mermaid') process.stdout.write(fleetMermaidMarkdown(fleet));
  else if (format === 'markdown') process.stdout.write(diagram ? `${summaryMarkdown(tables)}\n${fleetMermaidMarkdown(fleet)}` : summaryMarkdown(tables));
  else process.stdout.write(summaryText(tables));
  return 0;
}

process.exitCode = main(process.argv.slice(2));
