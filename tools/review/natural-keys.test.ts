import { naturalKeys } from './natural-keys';

describe('naturalKeys', () => {
  it('matches containers and env by name', () => {
    expect(naturalKeys('containers', [{ name: 'a' }], [{ name: 'b' }, { name: 'a' }])).toEqual({ base: ['a'], head: ['b', 'a'] });
  });

  it('matches NodePool requirements by key, adding the operator when one key appears twice', () => {
    const base = [
      { key: 'karpenter.k8s.aws/instance-cpu', operator: 'Gt', values: ['1'] },
      { key: 'karpenter.k8s.aws/instance-cpu', operator: 'Lt', values: ['17'] },
    ];
    expect(naturalKeys('requirements', base, base)?.base).toEqual(['karpenter.k8s.aws/instance-cpu Gt', 'karpenter.k8s.aws/instance-cpu Lt']);
    expect(naturalKeys('requirements', [{ key: 'a', operator: 'In' }], [])?.base).toEqual(['a']);
  });

  it('matches Role rules by API groups and resources, naming the core group implicitly', () => {
    const rules = [
      { apiGroups: [''], resources: ['pods'], verbs: ['get'] },
      { apiGroups: ['apps'], resources: ['deployments', 'replicasets'], verbs: ['get'] },
    ];
    expect(naturalKeys('rules', rules, rules)?.base).toEqual(['pods', 'apps:deployments,replicasets']);
  });

  it('matches subjects by kind and name, and volume mounts by mount path', () => {
    expect(naturalKeys('subjects', [{ kind: 'ServiceAccount', name: 'x', namespace: 'n' }], [])?.base).toEqual(['ServiceAccount x']);
    expect(naturalKeys('volumeMounts', [{ name: 'v', mountPath: '/a' }, { name: 'v', mountPath: '/b' }], [])?.base).toEqual(['/a', '/b']);
  });

  it('falls back to positions when a key is missing or repeated, and for lists of scalars', () => {
    expect(naturalKeys('budgets', [{ nodes: '10%' }], [{ nodes: '20%' }])).toBeUndefined();
    expect(naturalKeys('containers', [{ name: 'a' }, { name: 'a' }], [])).toBeUndefined();
    expect(naturalKeys('verbs', ['get'], ['list'])).toBeUndefined();
  });
});
