import { render, twoArchCluster } from './testing';
import { LAUNCH_FAILURE_REASONS, NODE_COUNT_RECORD, fleetAlertRules } from './alerts';
import { promtoolTests } from './alerts.promtool';
import { resolveCluster } from '../lib/model/resolve';

const rendered = render(twoArchCluster({ alerts: { managersDownFor: '7m', saturatedFor: '20m', ruleLabels: { release: 'prom' } } }));
const rule = rendered.get('PrometheusRule', 'gitlab-runner-fleet');
const alerts = rule.spec.groups[0].rules as Array<Record<string, any>>;
const byName = (name: string) => alerts.find((r) => r.alert === name)!;

test('metrics off renders no PrometheusRule; on, one in the monitoring layer with the ruleSelector labels', () => {
  expect(render(twoArchCluster({ metrics: false })).all('PrometheusRule')).toEqual([]);
  expect(rule.metadata.labels).toMatchObject({ release: 'prom', 'app.kubernetes.io/part-of': 'gitlab-runner-fleet' });
  expect(rendered.files.find((f) => f.object === rule)?.path).toBe('dist/test/monitoring/alerts/PrometheusRule.gitlab-runner-fleet.yaml');
});

test('every alert the issue asks for exists, with a severity, the cluster label, a summary and a runbook anchor', () => {
  expect(alerts.map((r) => r.alert).sort()).toEqual([
    'GitLabRunnerJobPodUnschedulable', 'GitLabRunnerManagerMetricsDown', 'GitLabRunnerManagersNotReady', 'GitLabRunnerSaturated',
    'GitLabRunnerSystemFailures', 'GitLabRunnerTokenRefused', 'KarpenterNodeLaunchFailing',
  ]);
  for (const r of alerts) {
    expect(r.labels).toEqual({ severity: expect.stringMatching(/^(warning|critical)$/), cluster: 'test' });
    expect(r.annotations.runbook).toBe(`docs/operating.md#${r.alert.toLowerCase()}`);
    expect(r.annotations.summary).toBeTruthy();
  }
});

test('thresholds come from the definition, defaults otherwise', () => {
  expect(byName('GitLabRunnerManagersNotReady').for).toBe('7m');
  expect(byName('GitLabRunnerSaturated').for).toBe('20m');
  expect(byName('GitLabRunnerJobPodUnschedulable').for).toBe('10m');
  expect(byName('GitLabRunnerSaturated').expr).toContain('> 300');
  expect(byName('KarpenterNodeLaunchFailing').expr).toMatch(/>= 3$/);
});

test('selectors name exactly the fleet\'s runners, managers and pools, so other workloads never alert', () => {
  const { cluster } = rendered;
  expect(byName('GitLabRunnerSaturated').expr).toContain('runner_name=~"test-amd64|test-arm64"');
  expect(byName('GitLabRunnerManagersNotReady').expr).toContain('deployment=~"gitlab-runner-amd64|gitlab-runner-arm64"');
  expect(byName('KarpenterNodeLaunchFailing').expr).toContain(
    `nodepool=~"${[...cluster.runners.map((r) => r.jobPool.name), cluster.managerPool.name].sort().join('|')}"`,
  );
  expect(byName('KarpenterNodeLaunchFailing').expr).toContain(`reason=~"${[...LAUNCH_FAILURE_REASONS].sort().join('|')}"`);
  // The runner's own `endpoint` label is renamed by the PodMonitor's target label of the same name.
  expect(byName('GitLabRunnerTokenRefused').expr).toContain('exported_endpoint="request_job", status="403"');
});

test('the token alert keeps firing through the runner\'s hour-long back-off and points at the rotation procedure', () => {
  const window = Number(/\[(\d+)m\]/.exec(byName('GitLabRunnerTokenRefused').expr)![1]);
  expect(window).toBeGreaterThan(60);
  expect(byName('GitLabRunnerTokenRefused').annotations.description).toContain('docs/lifecycle.md');
});

test('the node count the dashboard reads is a recording rule beside the alerts', () => {
  expect(rule.spec.groups[1].rules).toEqual([{ record: NODE_COUNT_RECORD, expr: expect.stringContaining('count by (nodepool, capacity_type, arch)') }]);
});

test('every alert has promtool cases that fire it and cases that must not', () => {
  const cluster = resolveCluster(twoArchCluster());
  const tests = promtoolTests(cluster).flatMap((g) => g.alert_rule_test ?? []);
  for (const { alert } of fleetAlertRules(cluster)) {
    const mine = tests.filter((t) => t.alertname === alert);
    expect({ alert, fires: mine.some((t) => t.exp_alerts.length > 0) }).toEqual({ alert, fires: true });
    expect({ alert, quiet: mine.some((t) => t.exp_alerts.length === 0) }).toEqual({ alert, quiet: true });
  }
});
