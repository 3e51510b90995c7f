import { e2eCluster } from './fixture/definition';
import { kubeletNodeLabels, matchesTerm, planNodes } from './node-plan';
import { renderCluster } from './render';
import type { ManifestObject } from '../../lib/synth/render';

const rendered = renderCluster(e2eCluster()).flatMap((f) => (f.object ? [f.object] : []));
const pools = rendered.filter((o) => o.kind === 'NodePool') as (ManifestObject & { spec: any })[];  

describe('the e2e node plan', () => {
  const nodes = planNodes(rendered);

  it('gives every node of a pool the labels a Karpenter node of that pool has: single-value requirements, the pool name, template labels', () => {
    for (const pool of pools) {
      const poolNodes = nodes.filter((n) => n.pool === pool.metadata.name);
      expect(poolNodes.length).toBeGreaterThan(0);
      for (const node of poolNodes) {
        expect(node.labels['karpenter.sh/nodepool']).toBe(pool.metadata.name);
        for (const [key, value] of Object.entries(pool.spec.template.metadata?.labels ?? {})) expect(node.labels[key]).toBe(value);
        for (const r of pool.spec.template.spec.requirements) {
          if (r.operator === 'In' && r.values.length === 1) expect(node.labels[r.key]).toBe(r.values[0]);
          if (r.operator !== 'In') expect(node.labels[r.key]).toBeUndefined();
        }
        expect(node.taints).toEqual(pool.spec.template.spec.taints ?? []);
      }
    }
  });

  it('makes one node per architecture a pool allows, and room for every manager Deployment to surge onto a second host', () => {
    for (const pool of pools) {
      const arches = pool.spec.template.spec.requirements.find((r: { key: string }) => r.key === 'kubernetes.io/arch').values;
      expect([...new Set(nodes.filter((n) => n.pool === pool.metadata.name).map((n) => n.arch))].sort()).toEqual([...arches].sort());
    }
    const managers = rendered.filter((o) => o.kind === 'Deployment') as (ManifestObject & { spec: any })[];  
    for (const deployment of managers) {
      const terms = deployment.spec.template.spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms;
      const fitting = nodes.filter((n) => terms.some((t: { matchExpressions: never[] }) => matchesTerm(n.labels, t.matchExpressions)));
      expect(fitting.length).toBe(deployment.spec.replicas + deployment.spec.strategy.rollingUpdate.maxSurge);
    }
  });

  it('gives nodes unique names and a stable order', () => {
    expect(new Set(nodes.map((n) => n.name)).size).toBe(nodes.length);
    expect(planNodes([...rendered].reverse())).toEqual(nodes);
  });

  it('writes kubelet labels sorted, so the command line never changes between runs', () => {
    const labels = kubeletNodeLabels({ name: 'n', pool: 'p', arch: 'amd64', labels: { b: '2', a: '1' }, taints: [] });
    expect(labels).toBe('a=1,b=2');
  });

  it('refuses pools it cannot start a node for', () => {
    const pool = (requirements: unknown[]) => [{ apiVersion: 'karpenter.sh/v1', kind: 'NodePool', metadata: { name: 'p' }, spec: { template: { spec: { requirements } } } }] as ManifestObject[];
    expect(() => planNodes(pool([]))).toThrow(/NodePool p: no kubernetes.io\/arch requirement/);
    expect(() => planNodes(pool([{ key: 'kubernetes.io/arch', operator: 'In', values: ['s390x'] }]))).toThrow(/s390x cannot run here/);
    expect(() => planNodes(pool([{ key: 'kubernetes.io/arch', operator: 'NotIn', values: ['amd64'] }]))).toThrow(/must use In, got NotIn/);
  });
});

describe('matchesTerm', () => {
  it.each([
    ['In matches a listed value', { a: 'x' }, [{ key: 'a', operator: 'In', values: ['x', 'y'] }], true],
    ['In does not match a missing label', {}, [{ key: 'a', operator: 'In', values: ['x'] }], false],
    ['NotIn matches a missing label', {}, [{ key: 'a', operator: 'NotIn', values: ['x'] }], true],
    ['NotIn refuses a listed value', { a: 'x' }, [{ key: 'a', operator: 'NotIn', values: ['x'] }], false],
    ['Exists needs the label', { a: '' }, [{ key: 'a', operator: 'Exists' }], true],
    ['every expression must hold', { a: 'x' }, [{ key: 'a', operator: 'In', values: ['x'] }, { key: 'b', operator: 'Exists' }], false],
  ])('%s', (_, labels, expressions, expected) => {
    expect(matchesTerm(labels, expressions)).toBe(expected);
  });
});
