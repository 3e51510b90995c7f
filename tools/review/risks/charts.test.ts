import { editObject, renderObjects, runCheck } from '../testing';
import { chartVersionsChanged } from './charts';

const base = renderObjects();

describe('chartVersionsChanged', () => {
  it('flags an OCIRepository tag moving and its signature verification removed', () => {
    const head = editObject(base, { kind: 'OCIRepository', name: 'karpenter' }, (b) => {
      b.spec.ref.tag = '9.9.9';
      delete b.spec.verify;
    });
    expect(runCheck(chartVersionsChanged, base, head).map((h) => `${h.object} ${h.field}: ${h.message}`)).toEqual([
      expect.stringMatching(/^OCIRepository kube-system\/karpenter spec\.ref\.tag: .+ → "9\.9\.9"$/),
      'OCIRepository kube-system/karpenter spec.verify: signature verification removed',
    ]);
  });

  it('is silent when nothing changed', () => {
    expect(runCheck(chartVersionsChanged, base, renderObjects())).toEqual([]);
  });
});
