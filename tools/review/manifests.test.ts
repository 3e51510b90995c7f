import { clusterOfPath, describeObject, readObjects, UnreadableFileError } from './manifests';

describe('clusterOfPath', () => {
  it('finds the cluster in every generated tree', () => {
    expect(clusterOfPath('dist/staging/configs/node-pools/NodePool.a.yaml')).toBe('staging');
    expect(clusterOfPath('clusters/production/runners.yaml')).toBe('production');
    expect(clusterOfPath('bootstrap/clusters/staging/eksctl.yaml')).toBe('staging');
  });
});

describe('readObjects', () => {
  it('identifies objects by cluster, API group, kind, namespace and name', () => {
    const files = new Map([
      ['dist/staging/runners/r/Role.x.yaml', 'apiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nmetadata:\n  name: x\n  namespace: jobs\n'],
      ['dist/staging/configs/n/Namespace.jobs.yaml', 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: jobs\n'],
    ]);
    const objects = readObjects(files);
    expect(objects.map((o) => o.id)).toEqual(['staging||Namespace||jobs', 'staging|rbac.authorization.k8s.io|Role|jobs|x']);
    expect(objects.map(describeObject)).toEqual(['Namespace jobs', 'Role jobs/x']);
  });

  it('reads generated files that hold no object as whole documents', () => {
    const [object] = readObjects(new Map([['bootstrap/clusters/staging/p.json', '[{"ParameterKey":"a","ParameterValue":"b"}]']]));
    expect(object).toMatchObject({ kind: 'File', name: 'bootstrap/clusters/staging/p.json', cluster: 'staging' });
  });

  it('names the file that does not parse', () => {
    expect(() => readObjects(new Map([['dist/s/x.yaml', 'a: [']]))).toThrow(UnreadableFileError);
    expect(() => readObjects(new Map([['dist/s/x.yaml', 'a: [']]))).toThrow(/dist\/s\/x.yaml/);
  });
});
