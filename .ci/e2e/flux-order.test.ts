import { e2eCluster } from './fixture/definition';
import { fluxLayers, skippedController } from './flux-order';
import { renderCluster } from './render';
import type { RenderedFile } from '../../lib/synth/render';

const files = renderCluster(e2eCluster());

const kustomization = (name: string, dependsOn: string[]): RenderedFile => {
  const object = { apiVersion: 'kustomize.toolkit.fluxcd.io/v1', kind: 'Kustomization', metadata: { name }, spec: { path: `./dist/c/${name}`, dependsOn: dependsOn.map((d) => ({ name: d })) } };
  return { path: `clusters/c/${name}.yaml`, content: '', object };
};

describe('fluxLayers', () => {
  it('orders the rendered layers so every dependency comes first, and gives each layer exactly the objects under its path', () => {
    const layers = fluxLayers('e2e', files);
    expect(layers.map((l) => l.name)).toEqual(['infrastructure', 'configs', 'runners']);
    const all = files.filter((f) => f.path.startsWith('dist/e2e/') && f.object);
    expect(layers.flatMap((l) => l.objects)).toHaveLength(all.length);
    for (const layer of layers) for (const object of layer.objects) expect(all.find((f) => f.object === object)!.path.startsWith(`dist/e2e/${layer.name}/`)).toBe(true);
  });

  it('follows dependsOn whatever the file order', () => {
    const layers = fluxLayers('c', [kustomization('a', ['b']), kustomization('c', []), kustomization('b', ['c'])]);
    expect(layers.map((l) => l.name)).toEqual(['c', 'b', 'a']);
  });

  it('refuses a cycle and a dependency that is not rendered', () => {
    expect(() => fluxLayers('c', [kustomization('a', ['b']), kustomization('b', ['a'])])).toThrow(/depends on itself/);
    expect(() => fluxLayers('c', [kustomization('a', ['x'])])).toThrow(/depends on x, which is not rendered/);
  });

  it('names the controller missing for Karpenter, External Secrets and Flux objects, and none for core kinds', () => {
    const kinds = Object.fromEntries(fluxLayers('e2e', files).flatMap((l) => l.objects).map((o) => [o.kind, skippedController(o)]));
    expect(kinds.NodePool).toMatch(/Karpenter/);
    expect(kinds.HelmRelease).toMatch(/helm-controller/);
    for (const kind of ['Deployment', 'ConfigMap', 'Role', 'Namespace', 'ServiceAccount']) expect(kinds[kind]).toBeUndefined();
  });
});
