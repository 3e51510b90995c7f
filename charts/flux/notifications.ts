/**
 * Where a cluster's rollouts show up: Flux notification objects (notification.toolkit.fluxcd.io) in flux-system,
 * rendered into clusters/<cluster>/notifications/ so the bootstrap Kustomization (`flux-system`) applies them
 * before any layer: they report on every layer, including one that fails to build.
 *
 * - Provider `gitlab` + Alert `gitlab-commit-status`: a commit status per Flux Kustomization on the commit it
 *   applied ("kustomization/runners/…: reconciliation succeeded" or the failure), where reviewers look.
 * - Provider `chat` + Alert `chat-failures` (when the definition names a chat): every error of a Kustomization,
 *   HelmRelease or source, to the team's chat; the webhook address is in a Secret.
 * - Receiver `gitlab-push`: GitLab push events reconcile the repository at once instead of at the next interval.
 *
 * Secrets are only referenced; docs/operating.md says how to create them.
 */
import {
  Alert,
  AlertSpecEventSeverity,
  AlertSpecEventSourcesKind,
  Provider,
  ProviderSpecType,
  Receiver,
  ReceiverSpecResourcesKind,
  ReceiverSpecType,
  type AlertProps,
  type AlertSpec,
  type ProviderProps,
  type ReceiverProps,
} from '../../imports/notification.toolkit.fluxcd.io';
import type { ResolvedCluster } from '../../lib/model/resolve';
import { toYaml, type ManifestObject, type RenderedFile } from '../../lib/synth/render';
import { FLUX_SYSTEM } from './kustomizations';

/** GitLab's event header value for pushes (X-Gitlab-Event), the only event that should trigger a reconcile. */
export const GITLAB_PUSH_EVENT = 'Push Hook';

/** Kinds whose failures the chat hears about: what this repository makes Flux reconcile. */
const WATCHED_KINDS = ['Kustomization', 'HelmRelease', 'GitRepository', 'OCIRepository'] as const;

type Named<T> = T & { metadata: { name: string; namespace: string } };

/** The event sources of the chat alert: every watched kind in flux-system, and in each namespace dist/ puts one in. */
function chatEventSources(dist: readonly RenderedFile[]): AlertSpec['eventSources'] {
  const namespaces = new Map<string, Set<string>>(WATCHED_KINDS.map((kind) => [kind, new Set([FLUX_SYSTEM.namespace])]));
  for (const file of dist) {
    const object = file.object;
    if (object && namespaces.has(object.kind) && object.metadata.namespace) namespaces.get(object.kind)!.add(object.metadata.namespace);
  }
  return WATCHED_KINDS.flatMap((kind) =>
    [...namespaces.get(kind)!].sort().map((namespace) => ({
      kind: kind as AlertSpecEventSourcesKind,
      name: '*',
      ...(namespace === FLUX_SYSTEM.namespace ? {} : { namespace }),
    })),
  );
}

/** The notification objects of one cluster; empty when the definition asks for none. */
export function notificationObjects(cluster: ResolvedCluster, dist: readonly RenderedFile[]): ManifestObject[] {
  const n = cluster.notifications;
  if (!n) return [];
  const namespace = FLUX_SYSTEM.namespace;
  const providers: Array<Named<ProviderProps>> = [
    {
      metadata: { name: 'gitlab', namespace },
      spec: { type: ProviderSpecType.GITLAB, address: n.projectUrl, secretRef: { name: n.commitStatusSecret } },
    },
  ];
  const alerts: Array<Named<AlertProps>> = [
    {
      metadata: { name: 'gitlab-commit-status', namespace },
      spec: {
        providerRef: { name: 'gitlab' },
        // Info and error: a commit status needs the success as much as the failure.
        eventSeverity: AlertSpecEventSeverity.INFO,
        eventSources: [{ kind: AlertSpecEventSourcesKind.KUSTOMIZATION, name: '*' }],
      },
    },
  ];
  if (n.chat) {
    providers.push({
      metadata: { name: 'chat', namespace },
      spec: {
        type: n.chat.type as ProviderSpecType,
        ...(n.chat.channel ? { channel: n.chat.channel } : {}),
        secretRef: { name: n.chat.secretName },
      },
    });
    alerts.push({
      metadata: { name: 'chat-failures', namespace },
      spec: {
        providerRef: { name: 'chat' },
        eventSeverity: AlertSpecEventSeverity.ERROR,
        eventSources: chatEventSources(dist),
        summary: `GitLab runner fleet ${cluster.name}`,
      },
    });
  }
  const receiver: Named<ReceiverProps> = {
    metadata: { name: 'gitlab-push', namespace },
    spec: {
      type: ReceiverSpecType.GITLAB,
      events: [GITLAB_PUSH_EVENT],
      secretRef: { name: n.webhookSecret },
      resources: [{ apiVersion: 'source.toolkit.fluxcd.io/v1', kind: ReceiverSpecResourcesKind.GIT_REPOSITORY, name: FLUX_SYSTEM.gitRepository }],
    },
  };
  return [
    ...providers.map((p) => Provider.manifest(p) as ManifestObject),
    ...alerts.map((a) => Alert.manifest(a) as ManifestObject),
    Receiver.manifest(receiver) as ManifestObject,
  ];
}

/** ClusterFileRenderer: clusters/<cluster>/notifications/<Kind>.<name>.yaml. */
export function renderFluxNotifications(cluster: ResolvedCluster, dist: readonly RenderedFile[]): RenderedFile[] {
  return notificationObjects(cluster, dist).map((object) => ({
    path: `clusters/${cluster.name}/notifications/${object.kind}.${object.metadata.name}.yaml`,
    content: toYaml(object),
    object,
  }));
}
