import type { Construct } from 'constructs';
import { PodMonitor } from '../imports/monitoring.coreos.com';
import { FleetChart } from '../lib/synth/render';
import type { ResolvedCluster } from '../lib/model/resolve';
import { fleetLabels } from './labels';
import { MANAGER_SELECTOR_LABELS } from './runner-manager';

export interface MonitoringChartProps {
  /** The cluster whose managers are scraped. */
  readonly cluster: ResolvedCluster;
}

/**
 * Prometheus scrapes every runner manager's :9252/metrics through a PodMonitor, not a ServiceMonitor: a draining
 * manager is terminating and leaves a Service's endpoints, but its metrics (running jobs) matter most then.
 * Its own Flux layer, because the PodMonitor CRD belongs to the cluster's Prometheus Operator, not to this fleet.
 */
export class MonitoringChart extends FleetChart {
  constructor(scope: Construct, id: string, props: MonitoringChartProps) {
    super(scope, id, { layer: 'monitoring' });
    new PodMonitor(this, 'managers', {
      metadata: {
        name: 'gitlab-runner',
        namespace: props.cluster.namespaces.managers,
        labels: fleetLabels('gitlab-runner', 'monitoring'),
      },
      spec: {
        selector: { matchLabels: { ...MANAGER_SELECTOR_LABELS } },
        podMetricsEndpoints: [{ port: 'metrics', path: '/metrics', interval: '30s' }],
      },
    });
  }
}
