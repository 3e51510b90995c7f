/**
 * cdk8s app: renders every cluster in definitions/ into dist/, clusters/ and bootstrap/clusters/.
 * Run with `npm run synth` or `cdk8s synth`. Composition only: the work is in lib/ and charts/.
 */
import { clusterFileRenderers, composeCluster } from './charts';
import { definitions } from './definitions/clusters';
import { runSynth } from './lib/synth/synth';

process.exitCode = runSynth({
  root: __dirname,
  definitions,
  compose: composeCluster,
  renderers: clusterFileRenderers,
});
