import { k8s } from 'cdk8s-plus-33';
import type { Construct } from 'constructs';
import { FleetChart } from '../lib/synth/render';
import type { ResolvedCluster } from '../lib/model/resolve';
import { METRICS_PORT } from '../lib/runner/config-toml';
import { fleetLabels } from './labels';
import { MANAGER_SELECTOR_LABELS } from './runner-manager';

export interface NetworkPoliciesChartProps {
  /** The cluster whose namespaces these policies guard. */
  readonly cluster: ResolvedCluster;
}

/** Label the API server puts on every namespace, with the namespace's name: it cannot be forged by a label edit. */
const NAMESPACE_NAME_LABEL = 'kubernetes.io/metadata.name';

/** Where EKS Pod Identity hands out credentials (the agent on every node). */
const POD_IDENTITY_AGENT = { cidr: '169.254.170.23/32', port: 80 } as const;

/**
 * Network rules for the fleet's namespaces (enforced on EKS by the VPC CNI's network policy agent, which the eksctl
 * config enables). Managers accept connections only on their metrics port, only from the monitoring namespace, and
 * open only DNS and HTTPS (GitLab, the Kubernetes API, S3), plus the Pod Identity agent when they use the S3 cache. CI job pods accept no connections at
 * all: a job's services share its pod (localhost), and the runner reaches job containers through the API server,
 * not the pod network, so nothing — least of all another job — needs to connect to a job. Job egress stays open:
 * jobs fetch code, images and packages from anywhere.
 */
export class NetworkPoliciesChart extends FleetChart {
  constructor(scope: Construct, id: string, props: NetworkPoliciesChartProps) {
    super(scope, id, { layer: 'configs' });
    const { namespaces, gitlabUrl, cache, metrics, monitoringNamespace } = props.cluster;
    const gitlabPort = Number(new URL(gitlabUrl).port || 443);
    const https = [...new Set([443, gitlabPort])].map((port) => ({ port: k8s.IntOrString.fromNumber(port), protocol: 'TCP' }));
    new k8s.KubeNetworkPolicy(this, 'managers', {
      metadata: { name: 'gitlab-runner-managers', namespace: namespaces.managers, labels: fleetLabels('gitlab-runner', 'network-policy') },
      spec: {
        podSelector: { matchLabels: { ...MANAGER_SELECTOR_LABELS } },
        policyTypes: ['Ingress', 'Egress'],
        // The metrics port also serves /debug/jobs/list and /debug/pprof: only the monitoring namespace may open it,
        // never a CI job. Kubelet probes come from the node's address, which the VPC CNI's agent always admits.
        ingress: metrics
          ? [
              {
                from: [{ namespaceSelector: { matchLabels: { [NAMESPACE_NAME_LABEL]: monitoringNamespace } } }],
                ports: [{ port: k8s.IntOrString.fromNumber(METRICS_PORT), protocol: 'TCP' }],
              },
            ]
          : [],
        egress: [
          {
            ports: [
              { port: k8s.IntOrString.fromNumber(53), protocol: 'UDP' },
              { port: k8s.IntOrString.fromNumber(53), protocol: 'TCP' },
            ],
          },
          { ports: https },
          ...(cache
            ? [{ to: [{ ipBlock: { cidr: POD_IDENTITY_AGENT.cidr } }], ports: [{ port: k8s.IntOrString.fromNumber(POD_IDENTITY_AGENT.port), protocol: 'TCP' }] }]
            : []),
        ],
      },
    });
    new k8s.KubeNetworkPolicy(this, 'jobs', {
      metadata: { name: 'gitlab-ci-jobs-deny-ingress', namespace: namespaces.jobs, labels: fleetLabels('gitlab-ci-jobs', 'network-policy') },
      spec: { podSelector: {}, policyTypes: ['Ingress'] },
    });
  }
}
