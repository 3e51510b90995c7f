/**
 * The fleet's Grafana dashboard, built with Grafana's own dashboards-as-code library
 * (@grafana/grafana-foundation-sdk) and shipped as a ConfigMap the Grafana sidecar loads (label and namespace
 * from the definition). It reads only metrics the alerts' promtool tests feed (charts/alerts.promtool.ts), so a
 * renamed metric fails a test instead of leaving an empty panel.
 */
import { k8s } from 'cdk8s-plus-33';
import type { Construct } from 'constructs';
import * as common from '@grafana/grafana-foundation-sdk/common';
import { DashboardBuilder, DatasourceVariableBuilder, RowBuilder, type Dashboard } from '@grafana/grafana-foundation-sdk/dashboard';
import { DataqueryBuilder } from '@grafana/grafana-foundation-sdk/prometheus';
import { PanelBuilder as StatPanelBuilder } from '@grafana/grafana-foundation-sdk/stat';
import { PanelBuilder as TimeseriesPanelBuilder } from '@grafana/grafana-foundation-sdk/timeseries';
import type { ResolvedCluster } from '../lib/model/resolve';
import { FleetChart } from '../lib/synth/render';
import { LAUNCH_FAILURE_REASONS, NODE_COUNT_RECORD } from './alerts';
import { fleetLabels } from './labels';
import { POD_MONITOR_NAME } from './monitoring';

/** The ConfigMap key: the file name Grafana's sidecar writes the dashboard to. */
export const DASHBOARD_FILE = 'gitlab-runner-fleet.json';

const DATASOURCE = { type: 'prometheus', uid: '${datasource}' };

function query(expr: string, legend: string, refId: string): DataqueryBuilder {
  return new DataqueryBuilder().expr(expr).legendFormat(legend).refId(refId).datasource(DATASOURCE);
}

function timeseries(title: string, description: string, unit: string, queries: DataqueryBuilder[], options: { stacked?: boolean; bars?: boolean } = {}) {
  let panel = new TimeseriesPanelBuilder().title(title).description(description).unit(unit).min(0).datasource(DATASOURCE).height(8).span(12);
  for (const q of queries) panel = panel.withTarget(q);
  if (options.stacked) panel = panel.stacking(new common.StackingConfigBuilder().mode(common.StackingMode.Normal));
  if (options.bars) panel = panel.drawStyle(common.GraphDrawStyle.Bars).fillOpacity(80);
  return panel;
}

/** The dashboard of one cluster, as Grafana's JSON model. */
export function fleetDashboard(cluster: ResolvedCluster): Dashboard {
  // Stable ids in layout order, so links to a panel (viewPanel=N) survive a re-render.
  let nextId = 1;
  const row = (title: string) => new RowBuilder(title).id(nextId++);
  const panel = <T extends { id(id: number): T }>(builder: T): T => builder.id(nextId++);
  const job = `job="${cluster.namespaces.managers}/${POD_MONITOR_NAME}"`;
  const pools = [...cluster.runners.map((r) => r.jobPool.name), cluster.managerPool.name].sort().join('|');
  const managers = cluster.runners.map((r) => r.names.manager).sort().join('|');
  const arch = 'gitlab_runner_fleet_arch';
  return new DashboardBuilder(`GitLab runner fleet: ${cluster.name}`)
    .uid(`gitlab-runner-fleet-${cluster.name}`)
    .tags(['gitlab-runner', 'karpenter', cluster.name])
    .time({ from: 'now-6h', to: 'now' })
    .refresh('1m')
    .timezone('browser')
    .editable()
    .withVariable(new DatasourceVariableBuilder('datasource').label('Prometheus').type('prometheus'))
    .withRow(row('Jobs'))
    .withPanel(
      panel(timeseries('Jobs running per architecture, against capacity', 'Running jobs and the job slots of every manager (concurrent x replicas), per architecture.', 'short', [
        query(`sum by (${arch}) (gitlab_runner_jobs{${job}})`, `{{${arch}}} running`, 'A'),
        query(`sum by (${arch}) (gitlab_runner_limit{${job}})`, `{{${arch}}} capacity`, 'B'),
      ])),
    )
    .withPanel(
      panel(timeseries('Queue wait before pickup (90th percentile)', `How long jobs waited in GitLab's queue until a manager took them; the saturation alert's threshold is ${cluster.alerts.queueWaitSeconds}s.`, 's', [
        query(`histogram_quantile(0.9, sum by (runner_name, le) (rate(gitlab_runner_job_queue_duration_seconds_bucket{${job}}[$__rate_interval])))`, '{{runner_name}}', 'A'),
      ])),
    )
    .withPanel(
      panel(timeseries('Job outcomes by failure reason', 'Jobs handled, and failed jobs by reason: runner_system_failure is ours (spot reclaims, pod errors), script_failure is the project\'s.', 'short', [
        query(`sum(increase(gitlab_runner_jobs_total{${job}}[$__interval]))`, 'jobs', 'A'),
        query(`sum by (failure_reason) (increase(gitlab_runner_failed_jobs_total{${job}}[$__interval]))`, '{{failure_reason}}', 'B'),
      ], { bars: true })),
    )
    .withPanel(
      panel(timeseries('Job pods without a node', 'CI job pods Kubernetes could not schedule yet (Karpenter is launching a node, the pool is at its limits, or spot is short).', 'short', [
        query(`sum(kube_pod_status_scheduled{namespace="${cluster.namespaces.jobs}", condition="false"})`, 'unschedulable', 'A'),
      ])),
    )
    .withRow(row('Nodes'))
    .withPanel(
      panel(timeseries('Nodes per pool and capacity type', 'Karpenter nodes of the fleet\'s pools.', 'short', [
        query(`sum by (nodepool, capacity_type) (${NODE_COUNT_RECORD})`, '{{nodepool}} {{capacity_type}}', 'A'),
      ], { stacked: true })),
    )
    .withPanel(
      panel(timeseries('Spot interruptions and launch failures', 'NodeClaims Karpenter deleted because AWS reclaimed the spot instance, or because the node never launched or registered.', 'short', [
        query(`sum by (nodepool, reason) (increase(karpenter_nodeclaims_disrupted_total{nodepool=~"${pools}", reason=~"spot_interrupted|${[...LAUNCH_FAILURE_REASONS].sort().join('|')}"}[$__interval]))`, '{{nodepool}} {{reason}}', 'A'),
      ], { bars: true })),
    )
    .withRow(row('Managers'))
    .withPanel(
      panel(timeseries('Managers ready, against desired', 'Available replicas of each runner manager Deployment, and its spec.', 'short', [
        query(`kube_deployment_status_replicas_available{namespace="${cluster.namespaces.managers}", deployment=~"${managers}"}`, '{{deployment}} ready', 'A'),
        query(`kube_deployment_spec_replicas{namespace="${cluster.namespaces.managers}", deployment=~"${managers}"}`, '{{deployment}} desired', 'B'),
      ])),
    )
    .withPanel(
      panel(new StatPanelBuilder())
        .title('Managers scraped / GitLab 403s (1h)')
        .description('Managers answering on :9252, and job requests GitLab refused in the last hour (an expired or reset token).')
        .datasource(DATASOURCE)
        .height(8)
        .span(12)
        .withTarget(query(`sum(up{${job}})`, 'scraped', 'A'))
        .withTarget(query(`sum(increase(gitlab_runner_api_request_statuses_total{${job}, exported_endpoint="request_job", status="403"}[1h])) or vector(0)`, '403s', 'B')),
    )
    .build();
}

export interface DashboardChartProps {
  /** The cluster the dashboard shows. */
  readonly cluster: ResolvedCluster;
}

/** A ConfigMap holding the dashboard JSON, labelled for the Grafana sidecar. */
export class DashboardChart extends FleetChart {
  constructor(scope: Construct, id: string, props: DashboardChartProps) {
    super(scope, id, { layer: 'monitoring' });
    const { cluster } = props;
    const { key, value } = cluster.dashboard.sidecarLabel;
    new k8s.KubeConfigMap(this, 'dashboard', {
      metadata: {
        name: 'gitlab-runner-fleet-dashboard',
        namespace: cluster.dashboard.namespace,
        labels: { ...fleetLabels('gitlab-runner', 'monitoring'), [key]: value },
      },
      data: { [DASHBOARD_FILE]: `${JSON.stringify(fleetDashboard(cluster), null, 2)}\n` },
    });
  }
}
