/**
 * npm run bench: prints median wall times of the synth against the floor (loading cdk8s-plus-33 alone), and the
 * render cost of synthetic fleets of 1 to 50 clusters, to show it grows linearly. Figures only; no pass/fail.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
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

const floor = timeCommand(process.execPath, ['-e', "require('cdk8s-plus-33')"]);
const direct = timeCommand(process.execPath, ['scripts/run-ts.mjs', 'main.ts']);
const viaNpm = timeCommand('npm', ['run', '-s', 'synth']);
console.log(`median of ${RUNS} runs, ${definitions.length} example clusters`);
console.log(`  floor: node -e "require('cdk8s-plus-33')"   ${ms(floor)}`);
console.log(`  synth: node scripts/run-ts.mjs main.ts      ${ms(direct)}  (${(direct / floor).toFixed(2)}x floor)`);
console.log(`  synth: npm run synth                        ${ms(viaNpm)}  (${(viaNpm / floor).toFixed(2)}x floor; npm itself adds its start-up)`);

console.log('render in memory (resolve + charts + checks), synthetic fleets:');
timeRender(2); // warm-up
for (const size of [1, 10, 25, 50]) {
  const total = timeRender(size);
  console.log(`  ${String(size).padStart(2)} clusters ${ms(total)}  ${(total / size).toFixed(1)} ms per cluster`);
}

const out = mkdtempSync(join(tmpdir(), 'bench-'));
try {
  const start = performance.now();
  const result = synth({ root: out, definitions: syntheticFleet(50), compose: composeCluster, renderers: clusterFileRenderers });
  console.log(`  50 clusters written to disk: ${result.files} files in ${ms(performance.now() - start)}`);
} finally {
  rmSync(out, { recursive: true, force: true });
}
