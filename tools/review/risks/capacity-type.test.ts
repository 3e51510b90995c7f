import { editObject, renderObjects, runCheck } from '../testing';
import { capacityTypeChanged } from './capacity-type';

const base = renderObjects();

describe('capacityTypeChanged', () => {
  it('flags a job pool moving from spot to on-demand', () => {
    const head = editObject(base, { kind: 'NodePool', name: 'gitlab-ci-jobs-arm64' }, (b) => {
      b.spec.template.spec.requirements.find((r: any) => r.key === 'karpenter.sh/capacity-type').values = ['on-demand', 'spot'];
    });
    expect(runCheck(capacityTypeChanged, base, head)).toEqual([
      {
        kind: 'capacity-type',
        cluster: 'staging',
        object: 'NodePool gitlab-ci-jobs-arm64',
        field: 'spec.template.spec.requirements[karpenter.sh/capacity-type].values',
        message: 'spot → on-demand, spot',
      },
    ]);
  });

  it('flags the requirement disappearing, and is silent for other requirement changes', () => {
    const dropped = editObject(base, { kind: 'NodePool', name: 'gitlab-ci-jobs-arm64' }, (b) => {
      b.spec.template.spec.requirements = b.spec.template.spec.requirements.filter((r: any) => r.key !== 'karpenter.sh/capacity-type');
    });
    expect(runCheck(capacityTypeChanged, base, dropped).map((h) => h.message)).toEqual(['spot → (any: no requirement)']);
    const other = editObject(base, { kind: 'NodePool', name: 'gitlab-ci-jobs-arm64' }, (b) => {
      b.spec.template.spec.requirements.find((r: any) => r.key === 'karpenter.k8s.aws/instance-generation').values = ['7'];
    });
    expect(runCheck(capacityTypeChanged, base, other)).toEqual([]);
  });
});
