import { render, twoArchCluster } from './testing';

const rendered = render(twoArchCluster());

test('metrics off renders no PodMonitor; on, one PodMonitor selects every manager on the metrics port', () => {
  expect(render(twoArchCluster({ metrics: false })).all('PodMonitor')).toEqual([]);
  const monitor = rendered.get('PodMonitor', 'gitlab-runner');
  expect(monitor.spec.selector.matchLabels).toEqual({ 'app.kubernetes.io/name': 'gitlab-runner' });
  expect(monitor.spec.podMetricsEndpoints).toEqual([{ port: 'metrics', path: '/metrics', interval: '30s' }]);
  // Prometheus Operator turns it into the label gitlab_runner_fleet_arch on every runner metric.
  expect(monitor.spec.podTargetLabels).toEqual(['gitlab-runner-fleet/arch']);
});

test('the PodMonitor is in the monitoring layer, so a cluster without Prometheus Operator only fails that layer', () => {
  expect(rendered.files.filter((f) => f.object?.kind === 'PodMonitor').map((f) => f.path)).toEqual([
    'dist/test/monitoring/monitoring/PodMonitor.gitlab-runner.yaml',
  ]);
});
