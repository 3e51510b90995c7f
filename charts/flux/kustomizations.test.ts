import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { clusterFileRenderers, composeCluster } from '..';
import { twoArchCluster } from '../testing';
import { fleet } from '../../definitions';
import { LAYERS, renderClusterManifests, type ManifestObject, type RenderedFile } from '../../lib/synth/render';
import { resolveCluster } from '../../lib/model/resolve';
import { renderFleet } from '../../lib/synth/synth';
import { fluxCrdValidators } from '../../lib/synth/crd-schema';
import { fluxBuild } from './kustomize-build';
import { FLUX_SYSTEM, renderFluxEntryPoints } from './kustomizations';

const files = renderFleet(fleet, composeCluster, clusterFileRenderers);

function kustomizationsOf(cluster: string): Array<ManifestObject & Record<string, any>> {
  // In layer order (the rendered files come sorted by path).
  const order = (k: ManifestObject) => (LAYERS as readonly string[]).indexOf(k.metadata.name);
  return files
    .filter((f) => f.path.startsWith(`clusters/${cluster}/`) && f.object?.kind === 'Kustomization')
    .map((f) => f.object as ManifestObject & Record<string, any>)
    .sort((a, b) => order(a) - order(b));
}

/** Writes the rendered files into a scratch repository, as `npm run synth` would. */
function writeTree(rendered: readonly RenderedFile[]): string {
  const root = mkdtempSync(join(tmpdir(), 'fleet-repo-'));
  for (const file of rendered) {
    mkdirSync(dirname(join(root, file.path)), { recursive: true });
    writeFileSync(join(root, file.path), file.content);
  }
  return root;
}

const fluxObjects = files.flatMap((f) => (f.object && /\.toolkit\.fluxcd\.io\//.test(f.object.apiVersion) ? [f] : []));

describe.each(fleet.map((c) => [c.name, c] as const))('the Flux entry points of cluster %s', (name, cluster) => {
  const kustomizations = kustomizationsOf(name);
  const byName = new Map(kustomizations.map((k) => [k.metadata.name, k]));

  test('list the layers in apply order, each depending on the one before', () => {
    const present = LAYERS.filter((layer) => files.some((f) => f.path.startsWith(`dist/${name}/${layer}/`)));
    expect(kustomizations.map((k) => k.metadata.name)).toEqual(present);
    present.forEach((layer, i) => {
      expect(byName.get(layer)!.spec.dependsOn).toEqual(i === 0 ? undefined : [{ name: present[i - 1] }]);
    });
  });

  test('name only Kustomizations that exist, without a cycle', () => {
    const visiting = new Set<string>();
    const done = new Set<string>();
    const visit = (n: string) => {
      if (done.has(n)) return;
      if (visiting.has(n)) throw new Error(`dependsOn cycle through ${n}`);
      visiting.add(n);
      const k = byName.get(n);
      if (!k) throw new Error(`dependsOn names ${n}, which no Kustomization of ${name} is`);
      for (const d of k.spec.dependsOn ?? []) visit(d.name);
      visiting.delete(n);
      done.add(n);
    };
    for (const k of kustomizations) visit(k.metadata.name);
    expect(done.size).toBe(kustomizations.length);
  });

  test('read the GitRepository flux bootstrap creates, prune, wait, and never substitute variables', () => {
    for (const k of kustomizations) {
      expect(k.metadata.namespace).toBe(FLUX_SYSTEM.namespace);
      expect(k.spec.sourceRef).toEqual({ kind: 'GitRepository', name: FLUX_SYSTEM.gitRepository });
      expect(k.spec).toMatchObject({ prune: true, wait: true });
      expect(k.spec.postBuild).toBeUndefined();
      for (const key of ['interval', 'timeout', 'retryInterval']) expect(k.spec[key]).toMatch(/^\d+[smh]$/);
    }
  });

  test('point into a non-empty folder of dist/<cluster>/ for every layer', () => {
    for (const k of kustomizations) {
      expect(k.spec.path).toBe(`./dist/${name}/${k.metadata.name}`);
      const inside = files.filter((f) => f.path.startsWith(`${k.spec.path.slice(2)}/`));
      expect(inside.length).toBeGreaterThan(0);
    }
  });

  test('render a monitoring layer exactly when the cluster renders a PodMonitor', () => {
    const podMonitors = files.filter((f) => f.path.startsWith(`dist/${name}/`) && f.object?.kind === 'PodMonitor');
    expect(byName.has('monitoring')).toBe(cluster.metrics);
    expect(podMonitors.length > 0).toBe(cluster.metrics);
    // Nothing waits for monitoring: without the Prometheus Operator CRDs it fails alone.
    for (const k of kustomizations) expect((k.spec.dependsOn ?? []).map((d: { name: string }) => d.name)).not.toContain('monitoring');
  });

  test('wait for the EC2NodeClass and NodePools of the configs layer to be Ready', () => {
    const kinds = (byName.get('configs')!.spec.healthCheckExprs as Array<{ kind: string; current: string }>).map((e) => e.kind);
    expect(kinds.sort()).toEqual(['EC2NodeClass', 'NodePool']);
    for (const expr of byName.get('configs')!.spec.healthCheckExprs) {
      // `exists` on the optional list: no conditions yet is "in progress", not healthy.
      expect(expr.current).toContain("status.?conditions.orValue([]).exists(");
    }
  });
});

describe('every Kustomization path', () => {
  const root = writeTree(files);
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  test.each(fleet.flatMap((c) => kustomizationsOf(c.name).map((k) => [c.name, k.metadata.name, k.spec.path] as const)))(
    'of %s/%s builds with kustomize the way Flux builds it, into the objects rendered there',
    (_cluster, _layer, path) => {
      const built = parseAllDocuments(fluxBuild(join(root, path))).map((d) => d.toJS() as ManifestObject);
      const expected = files.filter((f) => f.path.startsWith(`${path.slice(2)}/`) && f.object).length;
      expect(built).toHaveLength(expected);
    },
  );

  test.each(fleet.map((c) => [c.name]))('and the entry folder clusters/%s build as Flux builds them', (name) => {
    const built = parseAllDocuments(fluxBuild(join(root, 'clusters', name))).map((d) => d.toJS() as ManifestObject);
    expect(built.map((o) => o.kind)).toEqual(kustomizationsOf(name).map(() => 'Kustomization'));
  });
});

describe('the Flux emulation', () => {
  test('fails the build of a folder with two objects of one kind, namespace and name', () => {
    const dir = mkdtempSync(join(tmpdir(), 'flux-dup-'));
    try {
      const ns = 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: twice\n';
      writeFileSync(join(dir, 'a.yaml'), ns);
      writeFileSync(join(dir, 'b.yaml'), ns);
      expect(() => fluxBuild(dir)).toThrow(/kustomize build .* failed/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('every Flux object rendered (clusters/ and the infrastructure layer)', () => {
  const validators = fluxCrdValidators();

  test('validates strictly against the CRD schema of the pinned Flux controllers', () => {
    expect(fluxObjects.length).toBeGreaterThan(10);
    const problems = fluxObjects.flatMap((f) => validators.validate(f.object!).map((p) => `${f.path}: ${p}`));
    expect(problems).toEqual([]);
  });

  test('fails strict validation with an unknown field, naming it', () => {
    const release = structuredClone(fluxObjects.find((f) => f.object!.kind === 'HelmRelease')!.object) as Record<string, any>;
    release.spec.install.crd = 'Skip';
    expect(validators.validate(release)).toEqual(['/spec/install: unknown field "crd"']);
  });
});

test('a cluster without metrics gets no monitoring Kustomization, and one with metrics does', () => {
  for (const metrics of [false, true]) {
    const cluster = resolveCluster(twoArchCluster({ metrics }));
    const names = renderFluxEntryPoints(cluster, renderClusterManifests(cluster, composeCluster)).map((f) => f.object!.metadata.name);
    expect(names.includes('monitoring')).toBe(metrics);
  }
});
