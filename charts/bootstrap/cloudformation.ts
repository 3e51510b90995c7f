/**
 * The Karpenter prerequisites stack: bootstrap/karpenter-prerequisites.cfn.yaml is written by hand (reviewed like
 * any IAM policy); its parameters are derived per cluster, from the same names the charts and the eksctl config use,
 * into bootstrap/clusters/<name>/karpenter-prerequisites.parameters.json, the format
 * `aws cloudformation deploy --parameter-overrides file://…` reads.
 */
import type { RenderedFile } from '../../lib/synth/render';
import type { ResolvedCluster } from '../../lib/model/resolve';
import { awsNames, KARPENTER } from '../../lib/model/platform';

/** Repository path of the template. */
export const KARPENTER_TEMPLATE_PATH = 'bootstrap/karpenter-prerequisites.cfn.yaml';

/** The stack's parameters for one cluster. */
export function karpenterStackParameters(cluster: ResolvedCluster): Record<string, string> {
  const names = awsNames(cluster);
  return {
    ClusterName: cluster.name,
    NodeRoleName: names.karpenterNodeRole,
    ControllerRoleName: names.karpenterControllerRole,
    ControllerNamespace: KARPENTER.namespace,
    ControllerServiceAccount: KARPENTER.serviceAccount,
    InterruptionQueueName: names.interruptionQueue,
  };
}

/** Path of the rendered parameters file of a cluster. */
export function karpenterParametersPath(cluster: string): string {
  return `bootstrap/clusters/${cluster}/karpenter-prerequisites.parameters.json`;
}

/** ClusterFileRenderer: the stack's parameters, as CloudFormation's `[{ParameterKey, ParameterValue}]` JSON. */
export function renderKarpenterStackParameters(cluster: ResolvedCluster): RenderedFile[] {
  const parameters = Object.entries(karpenterStackParameters(cluster)).map(([ParameterKey, ParameterValue]) => ({
    ParameterKey,
    ParameterValue,
  }));
  return [{ path: karpenterParametersPath(cluster.name), content: `${JSON.stringify(parameters, null, 2)}\n` }];
}
