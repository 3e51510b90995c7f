import type { Construct } from 'constructs';
import { PodMonitor, PrometheusRule, PrometheusRuleSpecGroupsRulesExpr } from '../imports/monitoring.coreos.com';
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
 * Its own Flux layer, because the PodMonitor and PrometheusRule CRDs belong to the cluster's Prometheus Operator, not to
 * this fleet. The alert makes a manager that GitLab refuses visible: its probes (its own HTTP server) stay green.
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

    new PrometheusRule(this, 'alerts', {
      metadata: {
        name: 'gitlab-runner',
        namespace: props.cluster.namespaces.managers,
        labels: fleetLabels('gitlab-runner', 'monitoring'),
      },
      spec: {
        groups: [
          {
            name: 'gitlab-runner-fleet',
            rules: [
              {
                alert: 'GitLabRunnerTokenRefused',
                expr: PrometheusRuleSpecGroupsRulesExpr.fromString(TOKEN_REFUSED_EXPR),
                for: '5m',
                labels: { severity: 'critical' },
                annotations: {
                  summary: 'GitLab refuses the runner token of {{ $labels.namespace }}/{{ $labels.pod }}: it takes no new jobs',
                  description:
                    'The manager gets 403 Forbidden when it asks GitLab for jobs: its token was reset, revoked or expired, or its runner ' +
                    'was deleted in GitLab. Its running jobs are unaffected (they report with their own job tokens), but it takes no new ' +
                    'ones. Rotate the token (docs/lifecycle.md, "Rotate a runner token").',
                },
              },
            ],
          },
        ],
      },
    });
  }
}

/**
 * A manager whose job requests GitLab answers with 403 (`request_job` is the runner's own endpoint label). After three
 * refusals the runner stops asking for an hour (`unhealthy_requests_limit`, `unhealthy_interval`), so the window is
 * longer than that hour: the alert stays firing for as long as the token is refused, not only during the first burst.
 */
export const TOKEN_REFUSED_EXPR =
  'sum by (namespace, pod) (increase(gitlab_runner_api_request_statuses_total{endpoint="request_job",status="403"}[75m])) > 0';
