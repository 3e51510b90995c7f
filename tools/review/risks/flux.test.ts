import { editObject, renderObjects, runCheck } from '../testing';
import { fluxChanged } from './flux';

const base = renderObjects();

describe('fluxChanged', () => {
  it('flags prune turned off and reconciliation suspended', () => {
    const head = editObject(base, { kind: 'Kustomization', name: 'runners' }, (b) => {
      b.spec.prune = false;
      b.spec.suspend = true;
    });
    expect(runCheck(fluxChanged, base, head)).toEqual([
      { kind: 'flux', cluster: 'staging', object: 'Kustomization flux-system/runners', field: 'spec.prune', message: 'true → false: objects removed from git are now left running' },
      { kind: 'flux', cluster: 'staging', object: 'Kustomization flux-system/runners', field: 'spec.suspend', message: 'reconciliation suspended: later commits are not applied' },
    ]);
  });

  it('is silent for other Kustomization changes', () => {
    const head = editObject(base, { kind: 'Kustomization', name: 'runners' }, (b) => (b.spec.interval = '5m'));
    expect(runCheck(fluxChanged, base, head)).toEqual([]);
  });
});
