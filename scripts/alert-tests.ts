/**
 * Writes the inputs of `promtool test rules` into a folder: for every PrometheusRule the fleet renders, its rule
 * file (the object's spec, which is Prometheus' rule-file format) and a test file (charts/alerts.promtool.ts).
 * Prints "rules <path>" and "tests <path>" lines for .ci/promtool/run.sh.
 * usage: node scripts/run-ts.mjs scripts/alert-tests.ts <folder>
 */
import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { clusterFileRenderers, composeCluster } from '../charts';
import { promtoolTests } from '../charts/alerts.promtool';
import { fleet } from '../definitions';
import { toYaml } from '../lib/synth/render';
import { renderFleet } from '../lib/synth/synth';

const folder = process.argv[2];
if (!folder) {
  console.error('usage: alert-tests.ts <folder>');
  process.exit(2);
}
const files = renderFleet(fleet, composeCluster, clusterFileRenderers);
for (const cluster of fleet) {
  for (const file of files.filter((f) => f.path.startsWith(`dist/${cluster.name}/`) && f.object?.kind === 'PrometheusRule')) {
    const base = join(resolve(folder), `${cluster.name}.${file.object!.metadata.name}`);
    writeFileSync(`${base}.rules.yaml`, toYaml(file.object!.spec));
    writeFileSync(
      `${base}.test.yaml`,
      toYaml({ rule_files: [`${base}.rules.yaml`], evaluation_interval: '1m', tests: promtoolTests(cluster) }),
    );
    console.log(`rules ${base}.rules.yaml`);
    console.log(`tests ${base}.test.yaml`);
  }
}
