/**
 * npm run bench: the figures people wait on, each beside its target. Figures only; no pass/fail.
 *   1. the synth against its floor (node loading every runtime dependency and nothing else): target 1.5x;
 *   2. rendering synthetic fleets of 1 to 50 clusters in memory: target 3 s for 50, growing linearly;
 *   3. the fast stages of `npm test` (typecheck, lint, unit tests, Go tests, manifest linters), one after the other
 *      as `npm test` runs them: target 45 s together. Skip with BENCH_STAGES=0.
 * Every figure is a median of BENCH_RUNS runs (default 7; stages once), and the load average is printed with it,
 * because on 2 cores other work moves every figure.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { clusterFileRenderers, composeCluster } from '../charts';
import { definitions } from '../definitions/clusters';
import type { ClusterDefinition } from '../lib/model/definition';
import { resolveFleet } from '../lib/model/fleet';
import { synth, renderFleet } from '../lib/synth/synth';

const root = join(__dirname, '..');
const RUNS = Number(process.env.BENCH_RUNS ?? 7);

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

function timeCommand(command: string, args: string[]): number {
  const samples: number[] = [];
  for (let i = 0; i < RUNS + 1; i++) {
    const start = performance.now();
    const result = spawnSync(command, args, { cwd: root, stdio: 'ignore', env: { ...process.env, CDK8S_CHECK_UPGRADE: 'false' } });
    if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} failed`);
    if (i > 0) samples.push(performance.now() - start); // the first run warms caches
  }
  return median(samples);
}

/** A synthetic fleet: the example clusters repeated under new names. */
function syntheticFleet(size: number): ClusterDefinition[] {
  return Array.from({ length: size }, (_, i) => ({ ...definitions[i % definitions.length], name: `bench-${String(i + 1).padStart(2, '0')}` }));
}

function timeRender(size: number): number {
  const fleetDefinitions = syntheticFleet(size);
  const samples: number[] = [];
  for (let i = 0; i < 3; i++) {
    const start = performance.now();
    renderFleet(resolveFleet(fleetDefinitions), composeCluster, clusterFileRenderers);
    samples.push(performance.now() - start);
  }
  return median(samples);
}

const ms = (value: number) => `${value.toFixed(0).padStart(6)} ms`;

const load = () => `load average ${loadavg()[0].toFixed(1)}`;
const dependencies = Object.keys(JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).dependencies as Record<string, string>);
const floorScript = dependencies.map((name) => `require(${JSON.stringify(name)})`).join(';');

console.log(`synth (median of ${RUNS} runs, ${definitions.length} example clusters; ${load()})`);
const floor = timeCommand(process.execPath, ['-e', floorScript]);
const direct = timeCommand(process.execPath, ['scripts/run-ts.mjs', 'main.ts']);
const viaNpm = timeCommand('npm', ['run', '-s', 'synth']);
console.log(`  floor: node loading ${dependencies.join(', ')}`);
console.log(`         ${ms(floor)}`);
console.log(`  synth: node scripts/run-ts.mjs main.ts   ${ms(direct)}  ${(direct / floor).toFixed(2)}x floor   (target 1.50x)`);
console.log(`  synth: npm run synth                     ${ms(viaNpm)}  ${(viaNpm / floor).toFixed(2)}x floor   (npm adds its own start-up)`);

console.log(`render in memory (resolve + charts + checks), synthetic fleets (median of 3; ${load()}):`);
timeRender(2); // warm-up
for (const size of [1, 10, 25, 50]) {
  const total = timeRender(size);
  const target = size === 50 ? '   (target 3000 ms for 50)' : '';
  console.log(`  ${String(size).padStart(2)} clusters ${ms(total)}  ${(total / size).toFixed(1)} ms per cluster${target}`);
}

const out = mkdtempSync(join(tmpdir(), 'bench-'));
try {
  const start = performance.now();
  const result = synth({ root: out, definitions: syntheticFleet(50), compose: composeCluster, renderers: clusterFileRenderers });
  console.log(`  50 clusters written to disk: ${result.files} files in ${ms(performance.now() - start)}`);
} finally {
  rmSync(out, { recursive: true, force: true });
}

if (process.env.BENCH_STAGES !== '0') {
  // As `npm test` runs them: together, each stage's time printed by scripts/test-all.sh as it ends.
  console.log(`fast stages of npm test, warm caches (${load()}):`);
  const start = performance.now();
  const result = spawnSync('scripts/test-all.sh', ['--fast'], { cwd: root, encoding: 'utf8', env: { ...process.env, CDK8S_CHECK_UPGRADE: 'false' } });
  const total = performance.now() - start;
  for (const match of result.stdout.matchAll(/^=== (\S+): (ok|FAILED) \((\d+)s\)$/gm)) {
    console.log(`  ${match[1].padEnd(15)} ${match[3].padStart(6)} s${match[2] === 'ok' ? '' : '  (FAILED)'}`);
  }
  console.log(`  ${'together'.padEnd(15)} ${ms(total)}   (target 45000 ms)`);
}
