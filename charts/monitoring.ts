import type { Construct } from 'constructs';
import { PodMonitor } from '../imports/monitoring.coreos.com';
import { FleetChart } from '../lib/synth/render';
import { FLEET_KEYS, type ResolvedCluster } from '../lib/model/resolve';
import { fleetLabels } from './labels';
import { MANAGER_SELECTOR_LABELS } from './runner-manager';

/** The PodMonitor's name: every runner metric's `job` label is `<managers namespace>/<this name>`. */
export const POD_MONITOR_NAME = 'gitlab-runner';

/** Manager pod labels copied onto every runner metric (as `gitlab_runner_fleet_arch`), so panels split by arch. */
export const POD_TARGET_LABELS = [FLEET_KEYS.arch] as const;

export interface MonitoringChartProps {
  /** The cluster whose managers are scraped. */
  readonly cluster: ResolvedCluster;
}

/**
 * Prometheus scrapes every runner manager's :9252/metrics through a PodMonitor, not a ServiceMonitor: a draining
 * manager is terminating and leaves a Service's endpoints, but its metrics (running jobs) matter most then.
 * Its own Flux layer, because the PodMonitor and PrometheusRule CRDs belong to the cluster's Prometheus Operator, not to
 * this fleet. The alerts (alerts.ts) and the dashboard (dashboard.ts) sit beside it.
 */
export class MonitoringChart extends FleetChart {
  constructor(scope: Construct, id: string, props: MonitoringChartProps) {
    super(scope, id, { layer: 'monitoring' });
    new PodMonitor(this, 'managers', {
      metadata: {
        name: POD_MONITOR_NAME,
        namespace: props.cluster.namespaces.managers,
        labels: fleetLabels('gitlab-runner', 'monitoring'),
      },
      spec: {
        selector: { matchLabels: { ...MANAGER_SELECTOR_LABELS } },
        podMetricsEndpoints: [{ port: 'metrics', path: '/metrics', interval: '30s' }],
        podTargetLabels: [...POD_TARGET_LABELS],
      },
    });
  }
}
