/**
 * Which pods a set of NetworkPolicies lets open a port on a pod, evaluated the way the Kubernetes NetworkPolicy API
 * defines it (ingress only, label selectors with matchLabels and matchExpressions). Tests use it to check the
 * rendered policies' selectors against concrete pods, rather than comparing the policy text with itself.
 */

interface LabelSelector {
  readonly matchLabels?: Record<string, string>;
  readonly matchExpressions?: ReadonlyArray<{ readonly key: string; readonly operator: string; readonly values?: readonly string[] }>;
}

interface PolicyPeer {
  readonly podSelector?: LabelSelector;
  readonly namespaceSelector?: LabelSelector;
  readonly ipBlock?: unknown;
}

export interface NetworkPolicy {
  readonly metadata: { readonly namespace?: string };
  readonly spec: {
    readonly podSelector: LabelSelector;
    readonly policyTypes?: readonly string[];
    readonly ingress?: ReadonlyArray<{ readonly from?: readonly PolicyPeer[]; readonly ports?: ReadonlyArray<{ readonly port?: number | string; readonly protocol?: string }> }>;
  };
}

/** A pod as the policies see it: its namespace (with the namespace's labels) and its own labels. */
export interface PodEndpoint {
  readonly namespace: string;
  readonly namespaceLabels?: Record<string, string>;
  readonly labels: Record<string, string>;
}

export function selects(selector: LabelSelector, labels: Record<string, string>): boolean {
  const byLabels = Object.entries(selector.matchLabels ?? {}).every(([k, v]) => labels[k] === v);
  const byExpressions = (selector.matchExpressions ?? []).every((e) => {
    const has = e.key in labels;
    switch (e.operator) {
      case 'In':
        return has && (e.values ?? []).includes(labels[e.key]!);
      case 'NotIn':
        return !has || !(e.values ?? []).includes(labels[e.key]!);
      case 'Exists':
        return has;
      case 'DoesNotExist':
        return !has;
      default:
        throw new Error(`unknown selector operator ${e.operator}`);
    }
  });
  return byLabels && byExpressions;
}

/** The labels the API server gives every namespace. */
function namespaceLabels(pod: PodEndpoint): Record<string, string> {
  return { ...pod.namespaceLabels, 'kubernetes.io/metadata.name': pod.namespace };
}

function peerAdmits(peer: PolicyPeer, policyNamespace: string, from: PodEndpoint): boolean {
  if (peer.ipBlock) return false; // pod-to-pod traffic is judged by selectors here
  const namespaceMatches = peer.namespaceSelector
    ? selects(peer.namespaceSelector, namespaceLabels(from))
    : from.namespace === policyNamespace;
  const podMatches = peer.podSelector ? selects(peer.podSelector, from.labels) : true;
  return namespaceMatches && podMatches;
}

/**
 * Whether `from` may open TCP `port` on `to`: allowed when no policy selects `to` for ingress, otherwise only when
 * some rule of a selecting policy admits both the peer and the port.
 */
export function admitsIngress(policies: readonly NetworkPolicy[], to: PodEndpoint, from: PodEndpoint, port: number): boolean {
  const selecting = policies.filter(
    (p) =>
      (p.metadata.namespace ?? 'default') === to.namespace &&
      (p.spec.policyTypes ?? ['Ingress']).includes('Ingress') &&
      selects(p.spec.podSelector, to.labels),
  );
  if (!selecting.length) return true;
  return selecting.some((policy) =>
    (policy.spec.ingress ?? []).some((rule) => {
      const portOk = !rule.ports?.length || rule.ports.some((p) => (p.protocol ?? 'TCP') === 'TCP' && (p.port === undefined || p.port === port));
      const peerOk = !rule.from?.length || rule.from.some((peer) => peerAdmits(peer, policy.metadata.namespace ?? 'default', from));
      return portOk && peerOk;
    }),
  );
}
