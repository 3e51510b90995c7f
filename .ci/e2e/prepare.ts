/**
 * test:e2e, step 1 (before any process starts): renders the e2e fixture through the synth code path into
 * WORK/rendered/ and writes the node plan derived from its NodePools to WORK/node-plan.tsv for cluster.sh.
 *
 * usage: node scripts/run-ts.mjs .ci/e2e/prepare.ts WORK
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { e2eCluster } from './fixture/definition';
import { kubeletNodeLabels, planNodes } from './node-plan';
import { renderCluster, writeRendered } from './render';

const work = process.argv[2];
if (!work) {
  console.error('usage: prepare.ts WORK');
  process.exit(2);
}
const files = renderCluster(e2eCluster());
writeRendered(join(work, 'rendered'), files);
const nodes = planNodes(files.flatMap((f) => (f.object ? [f.object] : [])));
const taints = (node: (typeof nodes)[number]) => node.taints.map((t) => `${t.key}=${t.value ?? ''}:${t.effect}`).join(',');
writeFileSync(join(work, 'node-plan.tsv'), nodes.map((n) => [n.name, n.arch, kubeletNodeLabels(n), taints(n)].join('\t') + '\n').join(''));
writeFileSync(join(work, 'node-plan.json'), JSON.stringify(nodes, null, 2) + '\n');
console.error(`test:e2e: rendered ${files.length} files; ${nodes.length} nodes planned: ${nodes.map((n) => n.name).join(', ')}`);
