import { k8s } from 'cdk8s-plus-33';
import type { Construct } from 'constructs';
import { FleetChart } from '../lib/synth/render';
import type { ResolvedCluster } from '../lib/model/resolve';
import { fleetLabels } from './labels';

export interface NamespacesChartProps {
  /** The cluster whose namespaces these are. */
  readonly cluster: ResolvedCluster;
}

/** Pod Security Admission labels for a namespace: enforce one level, warn and audit at "restricted". */
function podSecurity(enforce: 'restricted' | 'baseline'): Record<string, string> {
  return {
    'pod-security.kubernetes.io/enforce': enforce,
    'pod-security.kubernetes.io/enforce-version': 'latest',
    'pod-security.kubernetes.io/warn': 'restricted',
    'pod-security.kubernetes.io/warn-version': 'latest',
    'pod-security.kubernetes.io/audit': 'restricted',
    'pod-security.kubernetes.io/audit-version': 'latest',
  };
}

/**
 * The runner managers' and the CI jobs' namespaces, apart: managers enforce Pod Security "restricted"; job pods
 * run arbitrary images (often as root), so their namespace enforces "baseline" — never privileged — and warns at
 * "restricted".
 */
export class NamespacesChart extends FleetChart {
  constructor(scope: Construct, id: string, props: NamespacesChartProps) {
    super(scope, id, { layer: 'configs' });
    const { namespaces } = props.cluster;
    new k8s.KubeNamespace(this, 'managers', {
      metadata: {
        name: namespaces.managers,
        labels: { ...fleetLabels('gitlab-runner', 'runner-managers'), ...podSecurity('restricted') },
      },
    });
    new k8s.KubeNamespace(this, 'jobs', {
      metadata: {
        name: namespaces.jobs,
        labels: { ...fleetLabels('gitlab-ci-jobs', 'ci-jobs'), ...podSecurity('baseline') },
      },
    });
  }
}
