import { render, twoArchCluster } from './testing';

const rendered = render(twoArchCluster());

test('metrics off renders no PodMonitor; on, one PodMonitor selects every manager on the metrics port', () => {
  expect(render(twoArchCluster({ metrics: false })).all('PodMonitor')).toEqual([]);
  const monitor = rendered.get('PodMonitor', 'gitlab-runner');
  expect(monitor.spec.selector.matchLabels).toEqual({ 'app.kubernetes.io/name': 'gitlab-runner' });
  expect(monitor.spec.podMetricsEndpoints).toEqual([{ port: 'metrics', path: '/metrics', interval: '30s' }]);
});

test('an alert fires for a manager GitLab refuses, and keeps firing through the runner’s hour-long back-off', () => {
  const rule = rendered.get('PrometheusRule', 'gitlab-runner');
  expect(rule.metadata.namespace).toBe('gitlab-runner');
  const [alert] = rule.spec.groups[0].rules;
  expect(alert.alert).toBe('GitLabRunnerTokenRefused');
  // the pinned runner's metric, endpoint and status labels (network/api_requests_collector.go)
  expect(alert.expr).toContain('gitlab_runner_api_request_statuses_total{endpoint="request_job",status="403"}');
  // a range longer than the runner's default unhealthy_interval (60m) between bursts of refused requests
  const window = Number(/\[(\d+)m\]/.exec(alert.expr)![1]);
  expect(window).toBeGreaterThan(60);
  expect(alert.annotations.description).toContain('docs/lifecycle.md');
  expect(render(twoArchCluster({ metrics: false })).all('PrometheusRule')).toEqual([]);
});

test('the PodMonitor is in the monitoring layer, so a cluster without Prometheus Operator only fails that layer', () => {
  expect(rendered.files.filter((f) => f.object?.kind === 'PodMonitor').map((f) => f.path)).toEqual([
    'dist/test/monitoring/monitoring/PodMonitor.gitlab-runner.yaml',
  ]);
});
