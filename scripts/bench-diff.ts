/**
 * npm run bench:diff: wall time of the manifests diff of the example clusters between two revisions, in a scratch
 * repository with two synthetic commits (a pool limit raised, a runner renamed), and against the working tree;
 * and HEAD~1..HEAD of this repository. Each run is the whole command in a fresh process (export, bundle, render
 * both, compare, report), as CI runs it: once with the render cache of commits off (MANIFESTS_DIFF_CACHE=off: a
 * fresh CI runner, or the first diff of a commit), once with it on (a first run, not counted, fills it: the
 * median is of runs that find the commits there; the working tree is always rendered). Prints medians; no pass/fail.
 * Target: under 2 s on this machine.
 */
import { spawnSync } from 'node:child_process';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createScratchRepo } from '../tools/review/scratch-repo';

const root = join(__dirname, '..');
const RUNS = Number(process.env.BENCH_RUNS ?? 5);

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

const ms = (value: number) => `${value.toFixed(0).padStart(6)} ms`;

/** Median and minimum wall time; the minimum is the best guess at the cost without other work on the cores. */
function timeCommand(dir: string, args: string[], cache = true): string {
  const samples: number[] = [];
  const env = { ...process.env, MANIFESTS_DIFF_CACHE: cache ? 'on' : 'off' };
  // With the cache on, a first run that is not counted fills it.
  for (let i = cache ? -1 : 0; i < RUNS; i++) {
    const start = performance.now();
    const result = spawnSync(process.execPath, [join(root, 'scripts/run-ts.mjs'), join(root, 'scripts/diff.ts'), ...args], { cwd: dir, env, stdio: 'ignore' });
    if (result.status !== 0 && result.status !== 1) throw new Error(`diff exited ${String(result.status)}`);
    if (i >= 0) samples.push(performance.now() - start);
  }
  return `${ms(median(samples))}  (min ${ms(Math.min(...samples)).trim()})`;
}

function main(): void {
  const repo = createScratchRepo(root);
  try {
    const base = repo.commit('base');
    repo.edit('definitions/staging.ts', "{ ...small, arch: 'amd64',", "{ ...small, nodePool: { ...small.nodePool, cpuLimit: '64' }, arch: 'amd64',");
    repo.edit('definitions/staging.ts', "arch: 'amd64',", "arch: 'amd64',\n      name: 'build',");
    const head = repo.commit('raise a limit, rename a runner');
    timeCommand(repo.dir, ['--help'], false); // warm-up: builds the diff tool's own cached bundle
    console.log(`manifests diff of the 2 example clusters, median of ${RUNS} runs, each a fresh process as CI runs it`);
    console.log(`(2 cores shared with other work; load average ${loadavg().map((l) => l.toFixed(2)).join(' ')})`);
    const history = spawnSync('git', ['-C', root, 'rev-parse', '--verify', '--quiet', 'HEAD~1'], { encoding: 'utf8' }).status === 0;
    for (const cache of [false, true]) {
      console.log(cache ? 'render cache on (commits rendered before):' : 'render cache off (nothing rendered before):');
      console.log(`  scratch repo, base..head (limit raised + runner renamed) ${timeCommand(repo.dir, ['--format', 'markdown', base, head], cache)}`);
      console.log(`  scratch repo, base..working tree                        ${timeCommand(repo.dir, [base], cache)}`);
      if (history) console.log(`  this repository, HEAD~1..HEAD                           ${timeCommand(root, ['HEAD~1', 'HEAD'], cache)}`);
    }
    console.log(`(load average ${loadavg().map((l) => l.toFixed(2)).join(' ')})`);
  } finally {
    repo.remove();
  }
}

main();
