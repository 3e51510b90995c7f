/**
 * The Flux entry points of a cluster: one Kustomization (kustomize.toolkit.fluxcd.io/v1) per layer of
 * dist/<cluster>/, in clusters/<cluster>/<layer>.yaml, each waiting for the layer before it to be healthy.
 * `flux bootstrap … --path clusters/<cluster>` adds clusters/<cluster>/flux-system/ (its own Kustomization named
 * `flux-system` and the GitRepository of the same name every layer reads from); nothing here touches that folder.
 */
import { Kustomization, KustomizationSpecSourceRefKind, type KustomizationProps } from '../../imports/kustomize.toolkit.fluxcd.io';
import { LAYERS, toYaml, type Layer, type ManifestObject, type RenderedFile } from '../../lib/synth/render';
import type { ResolvedCluster } from '../../lib/model/resolve';

/** Namespace and GitRepository that `flux bootstrap` creates. */
export const FLUX_SYSTEM = { namespace: 'flux-system', gitRepository: 'flux-system' } as const;

/** How often each layer is re-applied (drift correction; a new commit triggers a run at once), and how long it may take. */
interface LayerTiming {
  readonly interval: string;
  readonly timeout: string;
  readonly retryInterval: string;
}

const TIMING: Record<Layer, LayerTiming> = {
  // Controllers: the HelmReleases wait for Karpenter and External Secrets to be rolled out.
  infrastructure: { interval: '1h', timeout: '15m', retryInterval: '2m' },
  // NodePools, EC2NodeClass, SecretStore, namespaces: ready when Karpenter and External Secrets accept them.
  configs: { interval: '10m', timeout: '10m', retryInterval: '2m' },
  // Runner managers: a rollout completes when the new managers are ready (old ones drain in the background).
  runners: { interval: '10m', timeout: '15m', retryInterval: '2m' },
  // PodMonitor: needs the Prometheus Operator CRDs the cluster owner installs; may fail alone, nothing waits for it.
  monitoring: { interval: '30m', timeout: '5m', retryInterval: '10m' },
};

/** CEL readiness of a kind whose controller reports a `Ready` condition; absent conditions mean "not yet". */
function readyCondition(apiVersion: string, kind: string) {
  return {
    apiVersion,
    kind,
    current: "status.?conditions.orValue([]).exists(c, c.type == 'Ready' && c.status == 'True')",
  };
}

/**
 * Kinds whose readiness a layer states explicitly: an EC2NodeClass is Ready only when Karpenter resolved its AMI,
 * subnets, security groups and instance profile — the first place a wrong bootstrap (missing discovery tags,
 * missing node role) shows.
 */
const HEALTH_CHECK_EXPRS: Record<string, ReturnType<typeof readyCondition>> = {
  'karpenter.k8s.aws/v1/EC2NodeClass': readyCondition('karpenter.k8s.aws/v1', 'EC2NodeClass'),
  'karpenter.sh/v1/NodePool': readyCondition('karpenter.sh/v1', 'NodePool'),
};

/** The path of a layer's folder, as Flux reads it from the repository root. */
export function layerPath(cluster: string, layer: Layer): string {
  return `./dist/${cluster}/${layer}`;
}

/** Objects rendered into dist/<cluster>/<layer>/, by layer. */
export function objectsByLayer(cluster: string, dist: readonly RenderedFile[]): Map<Layer, ManifestObject[]> {
  const byLayer = new Map<Layer, ManifestObject[]>();
  for (const file of dist) {
    const [top, name, layer] = file.path.split('/');
    if (top !== 'dist' || name !== cluster || !(LAYERS as readonly string[]).includes(layer!)) continue;
    const list = byLayer.get(layer as Layer) ?? [];
    if (file.object) list.push(file.object);
    byLayer.set(layer as Layer, list);
  }
  return byLayer;
}

/** The Kustomizations of one cluster, in apply order: one per layer that has objects, each depending on the one before. */
export function clusterKustomizations(cluster: ResolvedCluster, dist: readonly RenderedFile[]): Array<KustomizationProps & { metadata: { name: string } }> {
  const byLayer = objectsByLayer(cluster.name, dist);
  const result: Array<KustomizationProps & { metadata: { name: string } }> = [];
  let previous: Layer | undefined;
  for (const layer of LAYERS) {
    const objects = byLayer.get(layer);
    if (!objects?.length) continue;
    const kinds = new Set(objects.map((o) => `${o.apiVersion}/${o.kind}`));
    const exprs = Object.entries(HEALTH_CHECK_EXPRS)
      .filter(([key]) => kinds.has(key))
      .map(([, expr]) => expr);
    result.push({
      metadata: { name: layer, namespace: FLUX_SYSTEM.namespace },
      spec: {
        ...TIMING[layer],
        path: layerPath(cluster.name, layer),
        prune: true,
        wait: true,
        sourceRef: { kind: KustomizationSpecSourceRefKind.GIT_REPOSITORY, name: FLUX_SYSTEM.gitRepository },
        ...(previous ? { dependsOn: [{ name: previous }] } : {}),
        ...(exprs.length ? { healthCheckExprs: exprs } : {}),
      },
    });
    // Monitoring is last and optional: nothing depends on it, so its failure stays its own.
    previous = layer;
  }
  return result;
}

/** ClusterFileRenderer: clusters/<cluster>/<layer>.yaml, one Flux Kustomization per layer. */
export function renderFluxEntryPoints(cluster: ResolvedCluster, dist: readonly RenderedFile[]): RenderedFile[] {
  return clusterKustomizations(cluster, dist).map((props) => {
    const object = Kustomization.manifest(props) as ManifestObject;
    return { path: `clusters/${cluster.name}/${props.metadata.name}.yaml`, content: toYaml(object), object };
  });
}
