/** What the infrastructure charts share: OCI chart sources, signature identities, placement on the system node group. */
import { SYSTEM_NODE_GROUP } from '../../lib/model/platform';

/** Media type of a Helm chart's content layer in an OCI artifact; Flux hands this layer to helm-controller. */
export const HELM_CHART_LAYER = 'application/vnd.cncf.helm.chart.content.v1.tar+gzip';

/** OIDC issuer of GitHub Actions' keyless cosign certificates. */
export const GITHUB_ACTIONS_ISSUER = 'https://token.actions.githubusercontent.com';

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * The certificate identity a GitHub Actions workflow signs with (`https://github.com/<repo>/<workflow>@<ref>`), as
 * the anchored regular expressions Flux's `matchOIDCIdentity` expects: only that workflow of that repository at
 * that ref is trusted.
 */
export function githubActionsIdentity(repository: string, workflow: string, ref: string) {
  return {
    issuer: `^${escapeRegExp(GITHUB_ACTIONS_ISSUER)}$`,
    subject: `^${escapeRegExp(`https://github.com/${repository}/${workflow}@${ref}`)}$`,
  };
}

/** Node selector and tolerations that put a controller on the system managed node group, and nowhere else. */
export function systemNodeScheduling() {
  return {
    nodeSelector: { [SYSTEM_NODE_GROUP.label.key]: SYSTEM_NODE_GROUP.label.value },
    tolerations: [{ key: SYSTEM_NODE_GROUP.taint.key, operator: 'Exists', effect: SYSTEM_NODE_GROUP.taint.effect }],
  };
}
