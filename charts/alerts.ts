/**
 * The fleet's alerts: one PrometheusRule per cluster (with `metrics`), in the monitoring layer. Thresholds come
 * from the definition (`alerts`), names from the resolved cluster, so every selector matches what this fleet
 * renders. docs/operating.md says what each alert means and what to do; promtool tests every rule
 * (alerts.promtool.ts, run by .ci/promtool/run.sh).
 *
 * Where each metric comes from (checked against the source of the pinned versions):
 * - GitLab Runner 19.4 (gitlab.com/gitlab-org/gitlab-runner, commands/builds_helper.go, commands/multi.go,
 *   helpers/prometheus/failures_collector.go, network/api_requests_collector.go): `gitlab_runner_jobs`,
 *   `gitlab_runner_limit`, `gitlab_runner_jobs_total`, `gitlab_runner_failed_jobs_total{failure_reason}`,
 *   `gitlab_runner_job_queue_duration_seconds`, `gitlab_runner_api_request_statuses_total{endpoint,status}`; all
 *   but the last carry `runner_name` (the `[[runners]] name`, `<cluster>-<runner>`).
 * - Prometheus Operator 0.85 (pkg/prometheus/promcfg.go): a PodMonitor target gets `job="<namespace>/<name>"`,
 *   `namespace`, `pod` and `endpoint="<port name>"`; so the runner's own `endpoint` label arrives as
 *   `exported_endpoint`, and `podTargetLabels` turn `gitlab-runner-fleet/arch` into `gitlab_runner_fleet_arch`.
 * - kube-state-metrics 2.x (docs/metrics/workload/): `kube_deployment_spec_replicas`,
 *   `kube_deployment_status_replicas_available` {namespace, deployment}; `kube_pod_status_scheduled`
 *   {namespace, pod, condition}.
 * - Karpenter 1.14 (sigs.k8s.io/karpenter pkg/metrics/metrics.go, pkg/controllers/nodeclaim/lifecycle/launch.go and
 *   liveness.go): `karpenter_nodeclaims_disrupted_total{nodepool, capacity_type, reason}`, reasons
 *   `insufficient_capacity`, `nodeclass_not_ready`, `launch_timeout`, `registration_timeout`.
 */
import type { Construct } from 'constructs';
import { PrometheusRule, PrometheusRuleSpecGroupsRulesExpr } from '../imports/monitoring.coreos.com';
import type { ResolvedCluster } from '../lib/model/resolve';
import { FleetChart } from '../lib/synth/render';
import { fleetLabels } from './labels';
import { POD_MONITOR_NAME } from './monitoring';

/** Karpenter's reasons for deleting a NodeClaim that never became a node (launch.go, liveness.go). */
export const LAUNCH_FAILURE_REASONS = ['insufficient_capacity', 'nodeclass_not_ready', 'launch_timeout', 'registration_timeout'] as const;

/** Failures needed before the system-failure ratio counts: one failed job of two is not a trend. */
export const MIN_SYSTEM_FAILURES = 3;

/** Recorded: job nodes per pool, capacity type and architecture, from Karpenter's per-node metric (one series per node and resource). */
export const NODE_COUNT_RECORD = 'gitlab_runner_fleet:karpenter_nodes:count';

/** One alerting rule as Prometheus reads it; annotations use only `{{ $labels.<name> }}`, so tests can expand them. */
export interface AlertRule {
  readonly alert: string;
  readonly expr: string;
  readonly for: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly annotations: Readonly<Record<string, string>>;
}

function anyOf(values: readonly string[]): string {
  // Names here are DNS labels: no regular-expression metacharacters to escape.
  return [...values].sort().join('|');
}

/** The rule group of one cluster. */
export function fleetAlertRules(cluster: ResolvedCluster): AlertRule[] {
  const a = cluster.alerts;
  const job = `job="${cluster.namespaces.managers}/${POD_MONITOR_NAME}"`;
  const runners = `runner_name=~"${anyOf(cluster.runners.map((r) => r.names.gitlab))}"`;
  const managers = `namespace="${cluster.namespaces.managers}", deployment=~"${anyOf(cluster.runners.map((r) => r.names.manager))}"`;
  const pools = anyOf([...cluster.runners.map((r) => r.jobPool.name), cluster.managerPool.name]);
  const labels = (severity: string) => ({ severity, cluster: cluster.name });
  const runbook = (anchor: string) => `docs/operating.md#${anchor}`;
  return [
    {
      alert: 'GitLabRunnerManagersNotReady',
      expr: `kube_deployment_status_replicas_available{${managers}} < kube_deployment_spec_replicas{${managers}}`,
      for: a.managersDownFor,
      labels: labels('warning'),
      annotations: {
        summary: 'Runner manager {{ $labels.deployment }} has fewer ready managers than it asks for',
        description: `For ${a.managersDownFor}, {{ $labels.deployment }} in {{ $labels.namespace }} had fewer available replicas than its spec: jobs queue or run on fewer managers.`,
        runbook: runbook('gitlabrunnermanagersnotready'),
      },
    },
    {
      alert: 'GitLabRunnerManagerMetricsDown',
      expr: `up{${job}} == 0 or absent(up{${job}})`,
      for: a.managersDownFor,
      labels: labels('warning'),
      annotations: {
        summary: 'Prometheus cannot scrape runner manager {{ $labels.pod }}',
        description: `For ${a.managersDownFor}, a manager's :9252/metrics did not answer (or no manager was scraped at all): its other alerts are blind.`,
        runbook: runbook('gitlabrunnermanagermetricsdown'),
      },
    },
    {
      alert: 'GitLabRunnerSystemFailures',
      expr:
        `(sum by (runner_name) (increase(gitlab_runner_failed_jobs_total{${job}, ${runners}, failure_reason="runner_system_failure"}[30m]))` +
        ` / sum by (runner_name) (increase(gitlab_runner_jobs_total{${job}, ${runners}}[30m])) > ${a.systemFailureRatio})` +
        ` and sum by (runner_name) (increase(gitlab_runner_failed_jobs_total{${job}, ${runners}, failure_reason="runner_system_failure"}[30m])) >= ${MIN_SYSTEM_FAILURES}`,
      for: '5m',
      labels: labels('warning'),
      annotations: {
        summary: 'Runner {{ $labels.runner_name }} fails jobs for system reasons',
        description: `More than ${a.systemFailureRatio * 100}% of the jobs of {{ $labels.runner_name }} in the last 30 minutes failed with runner_system_failure (spot reclaims, pod or node errors), not because of their scripts.`,
        runbook: runbook('gitlabrunnersystemfailures'),
      },
    },
    {
      alert: 'GitLabRunnerSaturated',
      expr:
        `(sum by (runner_name) (gitlab_runner_jobs{${job}, ${runners}}) >= sum by (runner_name) (gitlab_runner_limit{${job}, ${runners}}))` +
        ` and histogram_quantile(0.9, sum by (runner_name, le) (rate(gitlab_runner_job_queue_duration_seconds_bucket{${job}, ${runners}}[15m]))) > ${a.queueWaitSeconds}`,
      for: a.saturatedFor,
      labels: labels('warning'),
      annotations: {
        summary: 'Runner {{ $labels.runner_name }} runs every job slot while jobs wait',
        description: `For ${a.saturatedFor}, {{ $labels.runner_name }} ran as many jobs as all its managers allow (concurrent x replicas) and the 90th percentile of the time its jobs waited in GitLab's queue was above ${a.queueWaitSeconds}s.`,
        runbook: runbook('gitlabrunnersaturated'),
      },
    },
    {
      alert: 'GitLabRunnerJobPodUnschedulable',
      expr: `kube_pod_status_scheduled{namespace="${cluster.namespaces.jobs}", condition="false"} == 1`,
      for: a.jobPodPendingFor,
      labels: labels('warning'),
      annotations: {
        summary: 'CI job pod {{ $labels.pod }} has no node',
        description: `For ${a.jobPodPendingFor}, job pod {{ $labels.pod }} could not be scheduled: its pool is at its limits, spot capacity is short, or no instance type fits its requests.`,
        runbook: runbook('gitlabrunnerjobpodunschedulable'),
      },
    },
    {
      alert: 'KarpenterNodeLaunchFailing',
      expr: `sum by (nodepool) (increase(karpenter_nodeclaims_disrupted_total{nodepool=~"${pools}", reason=~"${anyOf(LAUNCH_FAILURE_REASONS)}"}[30m])) >= ${a.nodeLaunchFailures}`,
      for: '0m',
      labels: labels('warning'),
      annotations: {
        summary: 'Karpenter fails to launch or register nodes for pool {{ $labels.nodepool }}',
        description: `In the last 30 minutes Karpenter deleted ${a.nodeLaunchFailures} or more NodeClaims of {{ $labels.nodepool }} that never became nodes (no capacity, EC2NodeClass not ready, launch or registration timeout).`,
        runbook: runbook('karpenternodelaunchfailing'),
      },
    },
    {
      // After three refusals the runner stops asking for an hour (`unhealthy_requests_limit`, `unhealthy_interval`):
      // a window longer than that hour keeps the alert firing for as long as the token is refused.
      alert: 'GitLabRunnerTokenRefused',
      expr: `sum by (namespace, pod) (increase(gitlab_runner_api_request_statuses_total{${job}, exported_endpoint="request_job", status="403"}[75m])) > 0`,
      for: '5m',
      labels: labels('critical'),
      annotations: {
        summary: 'GitLab refuses the runner token of {{ $labels.namespace }}/{{ $labels.pod }}: it takes no new jobs',
        description:
          'The manager gets 403 Forbidden when it asks GitLab for jobs: its token was reset, revoked or expired, or its runner ' +
          'was deleted in GitLab. Its running jobs are unaffected (they report with their own job tokens), but it takes no new ' +
          'ones. Rotate the token (docs/lifecycle.md, "Rotate a runner token").',
        runbook: runbook('gitlabrunnertokenrefused'),
      },
    },
  ];
}

/** The recording rules the dashboard reads. */
export function fleetRecordingRules(cluster: ResolvedCluster): Array<{ record: string; expr: string }> {
  const pools = anyOf([...cluster.runners.map((r) => r.jobPool.name), cluster.managerPool.name]);
  return [
    {
      record: NODE_COUNT_RECORD,
      expr: `count by (nodepool, capacity_type, arch) (karpenter_nodes_allocatable{resource_type="cpu", nodepool=~"${pools}"})`,
    },
  ];
}

export interface AlertsChartProps {
  /** The cluster whose fleet is watched. */
  readonly cluster: ResolvedCluster;
}

/** The PrometheusRule of a cluster, next to its PodMonitor in the monitoring layer. */
export class AlertsChart extends FleetChart {
  constructor(scope: Construct, id: string, props: AlertsChartProps) {
    super(scope, id, { layer: 'monitoring' });
    const cluster = props.cluster;
    new PrometheusRule(this, 'rules', {
      metadata: {
        name: 'gitlab-runner-fleet',
        namespace: cluster.namespaces.managers,
        labels: { ...fleetLabels('gitlab-runner', 'monitoring'), ...cluster.alerts.ruleLabels },
      },
      spec: {
        groups: [
          {
            name: 'gitlab-runner-fleet',
            rules: fleetAlertRules(cluster).map((rule) => ({
              alert: rule.alert,
              expr: PrometheusRuleSpecGroupsRulesExpr.fromString(rule.expr),
              for: rule.for,
              labels: { ...rule.labels },
              annotations: { ...rule.annotations },
            })),
          },
          {
            name: 'gitlab-runner-fleet-records',
            rules: fleetRecordingRules(cluster).map((rule) => ({
              record: rule.record,
              expr: PrometheusRuleSpecGroupsRulesExpr.fromString(rule.expr),
            })),
          },
        ],
      },
    });
  }
}
