/**
 * What every cluster renders: the charts (into dist/<cluster>/<layer>/<chart>/) and the files outside dist/
 * (Flux entry points, bootstrap configs). Add a chart or a renderer here.
 */
import type { App } from 'cdk8s';
import { renderKarpenterStackParameters } from './bootstrap/cloudformation';
import { renderEksctlConfig } from './bootstrap/eksctl';
import { renderFluxEntryPoints } from './flux/kustomizations';
import type { ClusterFileRenderer } from '../lib/synth/render';
import type { ResolvedCluster } from '../lib/model/resolve';
import { ExternalSecretsChart } from './infrastructure/external-secrets';
import { KarpenterChart } from './infrastructure/karpenter';
import { MonitoringChart } from './monitoring';
import { NamespacesChart } from './namespaces';
import { NetworkPoliciesChart } from './network-policies';
import { NodePoolsChart } from './node-pools';
import { RunnerManagerChart } from './runner-manager';
import { SecretStoreChart, needsSecretStore } from './secret-store';

/** Adds every chart of one cluster to the app. Chart ids are folder names in dist/. */
export function composeCluster(app: App, cluster: ResolvedCluster): void {
  new KarpenterChart(app, 'karpenter', { cluster });
  new ExternalSecretsChart(app, 'external-secrets', { cluster });
  new NamespacesChart(app, 'namespaces', { cluster });
  new NetworkPoliciesChart(app, 'network-policies', { cluster });
  new NodePoolsChart(app, 'node-pools', { cluster });
  if (needsSecretStore(cluster)) new SecretStoreChart(app, 'secret-store', { cluster });
  for (const runner of cluster.runners) {
    new RunnerManagerChart(app, `runner-${runner.name}`, { cluster, runner });
  }
  if (cluster.metrics) new MonitoringChart(app, 'monitoring', { cluster });
}

/** Files rendered per cluster outside dist/. */
export const clusterFileRenderers: readonly ClusterFileRenderer[] = [
  renderFluxEntryPoints,
  renderEksctlConfig,
  renderKarpenterStackParameters,
];
