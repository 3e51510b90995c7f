/**
 * cdk8s app: renders every cluster in definitions/ into dist/, clusters/ and bootstrap/clusters/.
 * Run with `npm run synth` or `cdk8s synth`. Composition only: the work is in lib/ and charts/.
 */
import { clusterFileRenderers, composeCluster } from './charts';
import { decommissioned, definitions } from './definitions/clusters';
import { runSynth } from './lib/synth/synth';

process.exitCode = runSynth({
  root: __dirname,
  definitions,
  compose: composeCluster,
  renderers: clusterFileRenderers,
  decommissioned,
  // CI names the deployed revision (the target branch) so removals are checked against it (.ci/jobs/manifests-verify.sh).
  removalBase: process.env.RUNNER_FLEET_REMOVAL_BASE || undefined,
});
