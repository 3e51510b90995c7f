/**
 * Flux's view of a rendered cluster: the Kustomizations in clusters/<cluster>/ ordered by `dependsOn`, each with the
 * objects under its path, and which of those objects need a controller test:e2e cannot run (their objects are
 * applied all the same, as Flux would, but nothing acts on them).
 */
import type { ManifestObject, RenderedFile } from '../../lib/synth/render';

/** One Flux Kustomization with the objects it applies. */
export interface FluxLayer {
  readonly name: string;
  /** Folder relative to the repository root, without the leading "./". */
  readonly path: string;
  readonly objects: readonly ManifestObject[];
}

/** Controllers that do not run in test:e2e, by the API group of the objects they act on, with why. */
export const SKIPPED_CONTROLLERS: Readonly<Record<string, string>> = {
  'karpenter.sh': 'Karpenter (needs AWS); the test starts nodes shaped like its NodePools instead',
  'karpenter.k8s.aws': 'Karpenter (needs AWS); EC2NodeClass is applied but never resolved',
  'external-secrets.io': 'External Secrets (needs AWS Secrets Manager); the test creates the token Secret',
  'helm.toolkit.fluxcd.io': 'Flux helm-controller (installs Karpenter and External Secrets, which cannot run here)',
  'source.toolkit.fluxcd.io': 'Flux source-controller (fetches charts from the internet)',
  'kustomize.toolkit.fluxcd.io': 'Flux kustomize-controller (the test applies each layer itself, in Flux order)',
  'monitoring.coreos.com': 'Prometheus Operator (not part of the fleet)',
};

function group(apiVersion: string): string {
  return apiVersion.includes('/') ? apiVersion.split('/')[0]! : '';
}

/** The controller a test:e2e run lacks for `object`, or undefined when Kubernetes itself acts on it. */
export function skippedController(object: ManifestObject): string | undefined {
  return SKIPPED_CONTROLLERS[group(object.apiVersion)];
}

interface KustomizationObject extends ManifestObject {
  readonly spec: { readonly path: string; readonly dependsOn?: readonly { readonly name: string }[] };
}

/** The cluster's Flux layers in the order Flux would apply them (every dependency before what depends on it). */
export function fluxLayers(cluster: string, files: readonly RenderedFile[]): FluxLayer[] {
  const kustomizations = files
    .filter((f) => f.path.startsWith(`clusters/${cluster}/`) && f.object?.kind === 'Kustomization')
    .map((f) => f.object as KustomizationObject)
    .sort((a, b) => a.metadata.name.localeCompare(b.metadata.name));
  if (!kustomizations.length) throw new Error(`no Flux Kustomizations rendered under clusters/${cluster}/`);
  const byName = new Map(kustomizations.map((k) => [k.metadata.name, k]));
  const ordered: KustomizationObject[] = [];
  const visiting = new Set<string>();
  const visit = (k: KustomizationObject): void => {
    if (ordered.includes(k)) return;
    if (visiting.has(k.metadata.name)) throw new Error(`Kustomization ${k.metadata.name} depends on itself through dependsOn`);
    visiting.add(k.metadata.name);
    for (const { name } of k.spec.dependsOn ?? []) {
      const dependency = byName.get(name);
      if (!dependency) throw new Error(`Kustomization ${k.metadata.name} depends on ${name}, which is not rendered`);
      visit(dependency);
    }
    visiting.delete(k.metadata.name);
    ordered.push(k);
  };
  kustomizations.forEach(visit);
  return ordered.map((k) => {
    const path = k.spec.path.replace(/^\.\//, '').replace(/\/+$/, '');
    const objects = files.filter((f) => f.path.startsWith(`${path}/`) && f.object).map((f) => f.object!);
    return { name: k.metadata.name, path, objects };
  });
}
