/**
 * Unit tests of the fleet's rules for `promtool test rules` (Prometheus' own evaluator, run by .ci/promtool/run.sh):
 * for every alert, series that fire it and series that must not, built from the cluster's names and thresholds
 * so a tuned definition is tested at its own thresholds. Series carry the labels the exporters really attach
 * (see charts/alerts.ts for where each comes from).
 */
import type { ResolvedCluster } from '../lib/model/resolve';
import { parseDuration } from '../lib/model/duration';
import { MIN_SYSTEM_FAILURES, NODE_COUNT_RECORD, fleetAlertRules, type AlertRule } from './alerts';
import { POD_MONITOR_NAME } from './monitoring';

type Labels = Record<string, string>;

export interface InputSeries {
  readonly series: string;
  readonly values: string;
}

export interface AlertRuleTest {
  readonly eval_time: string;
  readonly alertname: string;
  readonly exp_alerts: Array<{ exp_labels: Labels; exp_annotations: Labels }>;
}

export interface PromqlExprTest {
  readonly expr: string;
  readonly eval_time: string;
  readonly exp_samples: Array<{ labels: string; value: number }>;
}

export interface PromtoolTestGroup {
  /** What the group proves; promtool prints it when the group fails. */
  readonly name: string;
  readonly interval: string;
  readonly input_series: InputSeries[];
  readonly alert_rule_test?: AlertRuleTest[];
  readonly promql_expr_test?: PromqlExprTest[];
}

/** The histogram buckets of `gitlab_runner_job_queue_duration_seconds` (commands/builds_helper.go). */
export const QUEUE_DURATION_BUCKETS = [1, 3, 10, 30, 60, 120, 300, 900, 1800, 3600] as const;

function selector(name: string, labels: Labels): string {
  const body = Object.entries(labels)
    .map(([k, v]) => `${k}="${v}"`)
    .join(', ');
  return `${name}{${body}}`;
}

/** One sample a minute: `values(m, f)` is f(0) … f(m). */
function perMinute(minutes: number, value: (minute: number) => number): string {
  return Array.from({ length: minutes + 1 }, (_, m) => String(value(m))).join(' ');
}

function minutes(duration: string): number {
  return Math.ceil(parseDuration(duration) / 60);
}

/** The annotations promtool must see: the rule's templates with `{{ $labels.x }}` filled in. */
function expand(rule: AlertRule, labels: Labels): Labels {
  return Object.fromEntries(
    Object.entries(rule.annotations).map(([key, template]) => [
      key,
      template.replace(/\{\{ \$labels\.(\w+) \}\}/g, (_, name: string) => labels[name] ?? ''),
    ]),
  );
}

/** Every test group of one cluster's rules. */
export function promtoolTests(cluster: ResolvedCluster): PromtoolTestGroup[] {
  const rules = new Map(fleetAlertRules(cluster).map((r) => [r.alert, r]));
  const rule = (name: string) => rules.get(name)!;
  const a = cluster.alerts;
  const runner = cluster.runners[0]!;
  // The labels Prometheus Operator puts on a manager's series (charts/alerts.ts), the arch one from podTargetLabels.
  const target = {
    job: `${cluster.namespaces.managers}/${POD_MONITOR_NAME}`, namespace: cluster.namespaces.managers,
    pod: `${runner.names.manager}-7d9f8-abcde`, container: 'gitlab-runner', endpoint: 'metrics', gitlab_runner_fleet_arch: runner.arch,
  };
  const fleet = { severity: 'warning', cluster: cluster.name };
  const fires = (name: string, at: number, labels: Labels, severity = 'warning'): AlertRuleTest => {
    const all = { ...labels, ...fleet, severity };
    return { eval_time: `${at}m`, alertname: name, exp_alerts: [{ exp_labels: all, exp_annotations: expand(rule(name), all) }] };
  };
  const quiet = (name: string, at: number): AlertRuleTest => ({ eval_time: `${at}m`, alertname: name, exp_alerts: [] });
  const groups: PromtoolTestGroup[] = [];

  // Managers not ready: fewer available replicas than the spec, for the threshold; a short dip and other
  // namespaces' Deployments do not count.
  {
    const forMin = minutes(a.managersDownFor);
    const deployment = { namespace: cluster.namespaces.managers, deployment: runner.names.manager };
    const other = { namespace: 'default', deployment: runner.names.manager };
    groups.push({
      name: 'GitLabRunnerManagersNotReady: a manager short for the threshold fires; shorter, or outside the fleet, does not',
      interval: '1m',
      input_series: [
        { series: selector('kube_deployment_spec_replicas', deployment), values: perMinute(forMin * 3, () => runner.replicas) },
        {
          series: selector('kube_deployment_status_replicas_available', deployment),
          // Short for forMin - 2 minutes (a rollout), back, then short for good.
          values: perMinute(forMin * 3, (m) => (m < forMin - 2 || (m >= forMin && m < forMin + 5) ? runner.replicas : runner.replicas - 1)),
        },
        { series: selector('kube_deployment_spec_replicas', other), values: perMinute(forMin * 3, () => 2) },
        { series: selector('kube_deployment_status_replicas_available', other), values: perMinute(forMin * 3, () => 0) },
      ],
      alert_rule_test: [
        quiet('GitLabRunnerManagersNotReady', forMin + 2),
        quiet('GitLabRunnerManagersNotReady', forMin + 5 + forMin - 1),
        fires('GitLabRunnerManagersNotReady', forMin + 5 + forMin + 1, deployment),
      ],
    });
  }

  // Manager metrics down: a target that stops answering, and no target at all.
  {
    const forMin = minutes(a.managersDownFor);
    const healthy = { ...target, pod: `${runner.names.manager}-7d9f8-fghij` };
    groups.push({
      name: 'GitLabRunnerManagerMetricsDown: a manager that stops answering fires for that pod; answering managers do not',
      interval: '1m',
      input_series: [
        { series: selector('up', target), values: perMinute(forMin * 3, (m) => (m < forMin ? 1 : 0)) },
        { series: selector('up', healthy), values: perMinute(forMin * 3, () => 1) },
      ],
      alert_rule_test: [
        quiet('GitLabRunnerManagerMetricsDown', forMin * 2 - 1),
        fires('GitLabRunnerManagerMetricsDown', forMin * 2 + 1, target),
      ],
    });
    groups.push({
      name: 'GitLabRunnerManagerMetricsDown: no manager scraped at all fires once, for the job',
      interval: '1m',
      input_series: [{ series: selector('up', { job: 'kube-state-metrics', namespace: 'monitoring', pod: 'ksm-0' }), values: perMinute(forMin * 2, () => 1) }],
      alert_rule_test: [fires('GitLabRunnerManagerMetricsDown', forMin + 1, { job: target.job })],
    });
  }

  // System failures: the share of runner_system_failure among the runner's jobs, not script failures, and not
  // fewer than MIN_SYSTEM_FAILURES.
  {
    const labels = { ...target, runner: 'glrt-abc', runner_name: runner.names.gitlab, mode: 'default' };
    const jobs = (perMin: number) => ({ series: selector('gitlab_runner_jobs_total', { ...target, runner: 'glrt-abc', runner_name: runner.names.gitlab }), values: perMinute(60, (m) => m * perMin) });
    const failed = (reason: string, perMin: number) => ({
      series: selector('gitlab_runner_failed_jobs_total', { ...labels, failure_reason: reason }),
      values: perMinute(60, (m) => m * perMin),
    });
    const aboveRatio = a.systemFailureRatio + (1 - a.systemFailureRatio) / 2;
    groups.push({
      name: 'GitLabRunnerSystemFailures: system failures above the ratio fire for the runner',
      interval: '1m',
      input_series: [jobs(10), failed('runner_system_failure', 10 * aboveRatio), failed('script_failure', 1)],
      alert_rule_test: [fires('GitLabRunnerSystemFailures', 45, { runner_name: runner.names.gitlab })],
    });
    groups.push({
      name: 'GitLabRunnerSystemFailures: system failures below the ratio, or script failures at any rate, do not fire',
      interval: '1m',
      input_series: [jobs(10), failed('runner_system_failure', (10 * a.systemFailureRatio) / 2), failed('script_failure', 9)],
      alert_rule_test: [quiet('GitLabRunnerSystemFailures', 45)],
    });
    groups.push({
      name: `GitLabRunnerSystemFailures: fewer than ${MIN_SYSTEM_FAILURES} system failures do not fire, whatever the ratio`,
      interval: '1m',
      input_series: [
        { series: selector('gitlab_runner_jobs_total', { ...target, runner: 'glrt-abc', runner_name: runner.names.gitlab }), values: perMinute(60, (m) => (m < 20 ? 0 : Math.min(MIN_SYSTEM_FAILURES - 1, m - 19))) },
        { series: selector('gitlab_runner_failed_jobs_total', { ...labels, failure_reason: 'runner_system_failure' }), values: perMinute(60, (m) => (m < 20 ? 0 : Math.min(MIN_SYSTEM_FAILURES - 1, m - 19))) },
      ],
      alert_rule_test: [quiet('GitLabRunnerSystemFailures', 40)],
    });
  }

  // Saturation: every slot busy while jobs wait longer than the threshold; either alone is not saturation.
  {
    const forMin = minutes(a.saturatedFor);
    const end = forMin + 30;
    const base = { ...target, runner: 'glrt-abc', runner_name: runner.names.gitlab, system_id: 's_0123456789ab' };
    const slow = QUEUE_DURATION_BUCKETS.find((_, i) => (QUEUE_DURATION_BUCKETS[i - 1] ?? 0) >= a.queueWaitSeconds) ?? Infinity;
    const fast = [...QUEUE_DURATION_BUCKETS].reverse().find((b) => b < a.queueWaitSeconds) ?? QUEUE_DURATION_BUCKETS[0];
    const histogram = (observedIn: number) =>
      [...QUEUE_DURATION_BUCKETS, Infinity].map((le) => ({
        series: selector('gitlab_runner_job_queue_duration_seconds_bucket', { ...base, project_jobs_running: '0', le: le === Infinity ? '+Inf' : String(le) }),
        values: perMinute(end, (m) => (le >= observedIn ? m : 0)),
      }));
    const load = (running: number) => [
      { series: selector('gitlab_runner_jobs', { ...base, state: 'running', stage: 'step_script', executor_stage: 'created' }), values: perMinute(end, () => running) },
      { series: selector('gitlab_runner_limit', base), values: perMinute(end, () => runner.concurrent) },
    ];
    groups.push({
      name: 'GitLabRunnerSaturated: at the limit with long queue waits fires after the threshold',
      interval: '1m',
      input_series: [...load(runner.concurrent), ...histogram(slow)],
      alert_rule_test: [quiet('GitLabRunnerSaturated', forMin - 2), fires('GitLabRunnerSaturated', forMin + 5, { runner_name: runner.names.gitlab })],
    });
    groups.push({
      name: 'GitLabRunnerSaturated: at the limit with short waits, or long waits below the limit, do not fire',
      interval: '1m',
      input_series: [...load(runner.concurrent), ...histogram(fast)],
      alert_rule_test: [quiet('GitLabRunnerSaturated', end)],
    });
    groups.push({
      name: 'GitLabRunnerSaturated: long waits with free slots (GitLab-side queueing) do not fire',
      interval: '1m',
      input_series: [...load(runner.concurrent - 1), ...histogram(slow)],
      alert_rule_test: [quiet('GitLabRunnerSaturated', end)],
    });
  }

  // Unschedulable job pods: PodScheduled=False in the jobs' namespace for the threshold.
  {
    const forMin = minutes(a.jobPodPendingFor);
    const stuck = { namespace: cluster.namespaces.jobs, pod: 'runner-abc-project-1-concurrent-0-x1', uid: 'u1', condition: 'false' };
    const brief = { namespace: cluster.namespaces.jobs, pod: 'runner-abc-project-1-concurrent-1-x2', uid: 'u2', condition: 'false' };
    const elsewhere = { namespace: 'default', pod: 'web-0', uid: 'u3', condition: 'false' };
    groups.push({
      name: 'GitLabRunnerJobPodUnschedulable: a job pod without a node for the threshold fires; a brief wait or other namespaces do not',
      interval: '1m',
      input_series: [
        { series: selector('kube_pod_status_scheduled', stuck), values: perMinute(forMin * 2, () => 1) },
        { series: selector('kube_pod_status_scheduled', brief), values: perMinute(forMin * 2, (m) => (m < forMin - 1 ? 1 : 0)) },
        { series: selector('kube_pod_status_scheduled', elsewhere), values: perMinute(forMin * 2, () => 1) },
      ],
      alert_rule_test: [quiet('GitLabRunnerJobPodUnschedulable', forMin - 1), fires('GitLabRunnerJobPodUnschedulable', forMin + 1, stuck)],
    });
  }

  // Karpenter launch failures: NodeClaims of the fleet's pools deleted for launch reasons; interruptions, expiry,
  // other pools and fewer failures do not count.
  {
    const n = a.nodeLaunchFailures;
    const pool = runner.jobPool.name;
    const claims = (nodepool: string, reason: string, count: number) => ({
      series: selector('karpenter_nodeclaims_disrupted_total', { nodepool, reason, capacity_type: 'spot' }),
      values: perMinute(60, (m) => Math.max(0, Math.min(count, m - 14))),
    });
    groups.push({
      name: `KarpenterNodeLaunchFailing: ${n} launch failures of a fleet pool in 30 minutes fire for that pool`,
      interval: '1m',
      input_series: [claims(pool, 'insufficient_capacity', n)],
      alert_rule_test: [fires('KarpenterNodeLaunchFailing', 40, { nodepool: pool })],
    });
    groups.push({
      name: 'KarpenterNodeLaunchFailing: fewer failures, spot interruptions, expiry, and pools outside the fleet do not fire',
      interval: '1m',
      input_series: [
        claims(pool, 'registration_timeout', n - 1),
        claims(pool, 'spot_interrupted', n * 5),
        claims(pool, 'expired', n * 5),
        claims('default', 'launch_timeout', n * 5),
      ],
      alert_rule_test: [quiet('KarpenterNodeLaunchFailing', 40)],
    });
  }

  // Token refused: 403s on job requests, through the runner's hour of back-off after three of them; 403s more
  // than the window ago, other endpoints and other statuses do not count.
  {
    const api = (endpoint: string, status: string, perMin: (m: number) => number) => ({
      series: selector('gitlab_runner_api_request_statuses_total', { ...target, runner: 'glrt-abc', system_id: 's_0123456789ab', exported_endpoint: endpoint, status, method: 'POST' }),
      values: perMinute(160, perMin),
    });
    const labels = { namespace: target.namespace, pod: target.pod };
    groups.push({
      name: 'GitLabRunnerTokenRefused: three 403s to job requests fire for the manager pod and keep firing through the back-off hour',
      interval: '1m',
      input_series: [api('request_job', '201', (m) => m * 20), api('request_job', '403', (m) => Math.max(0, Math.min(3, m - 10)))],
      alert_rule_test: [
        quiet('GitLabRunnerTokenRefused', 12),
        fires('GitLabRunnerTokenRefused', 20, labels, 'critical'),
        fires('GitLabRunnerTokenRefused', 70, labels, 'critical'),
        quiet('GitLabRunnerTokenRefused', 100),
      ],
    });
    groups.push({
      name: 'GitLabRunnerTokenRefused: 403s on job updates (a job token) and other statuses do not fire',
      interval: '1m',
      input_series: [api('update_job', '403', (m) => m), api('request_job', '204', (m) => m), api('patch_trace', '403', (m) => m)],
      alert_rule_test: [quiet('GitLabRunnerTokenRefused', 40)],
    });
  }

  // The recorded node count: nodes per pool, capacity type and arch, of the fleet's pools only.
  {
    const node = (name: string, nodepool: string, capacityType: string, arch: string) => ({
      series: selector('karpenter_nodes_allocatable', {
        node_name: name, nodepool, capacity_type: capacityType, arch, instance_type: 'c7i.2xlarge', zone: 'eu-west-1a', os: 'linux',
        phase: 'Running', managed: 'true', resource_type: 'cpu',
      }),
      values: perMinute(5, () => 8),
    });
    const memory = { series: selector('karpenter_nodes_allocatable', { node_name: 'n1', nodepool: runner.jobPool.name, capacity_type: 'spot', arch: runner.arch, resource_type: 'memory' }), values: perMinute(5, () => 1e10) };
    groups.push({
      name: `${NODE_COUNT_RECORD}: one sample per pool, capacity type and arch, counting nodes (not resources), fleet pools only`,
      interval: '1m',
      input_series: [
        node('n1', runner.jobPool.name, 'spot', runner.arch),
        node('n2', runner.jobPool.name, 'spot', runner.arch),
        node('n3', runner.jobPool.name, 'on-demand', runner.arch),
        node('n4', 'default', 'spot', runner.arch),
        memory,
      ],
      promql_expr_test: [
        {
          expr: NODE_COUNT_RECORD,
          eval_time: '4m',
          exp_samples: [
            { labels: selector(NODE_COUNT_RECORD, { arch: runner.arch, capacity_type: 'on-demand', nodepool: runner.jobPool.name }), value: 1 },
            { labels: selector(NODE_COUNT_RECORD, { arch: runner.arch, capacity_type: 'spot', nodepool: runner.jobPool.name }), value: 2 },
          ],
        },
      ],
    });
  }
  return groups;
}

/** Every metric name the tests feed promtool or expect from it: what a dashboard may query. */
export function testedMetricNames(cluster: ResolvedCluster): Set<string> {
  const names = new Set<string>();
  for (const group of promtoolTests(cluster)) {
    for (const input of group.input_series) names.add(input.series.slice(0, input.series.indexOf('{')));
    for (const test of group.promql_expr_test ?? []) names.add(test.expr);
  }
  return names;
}
