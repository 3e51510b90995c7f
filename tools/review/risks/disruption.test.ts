import { editObject, editRunnerConfig, renderObjects, runCheck } from '../testing';
import { drainProtectionRemoved } from './disruption';

const base = renderObjects();

describe('drainProtectionRemoved', () => {
  it('is silent when nothing changed', () => {
    expect(runCheck(drainProtectionRemoved, base, renderObjects())).toEqual([]);
  });

  it('flags do-not-disrupt removed from the job pods’ annotations in config.toml', () => {
    const head = editObject(base, { kind: 'ConfigMap', name: 'gitlab-runner-arm64' }, (b) =>
      editRunnerConfig(b, (toml) => toml.replace('"karpenter.sh/do-not-disrupt" = "true"', '"example.com/note" = "x"')),
    );
    expect(runCheck(drainProtectionRemoved, base, head)).toEqual([
      {
        kind: 'disruption',
        cluster: 'staging',
        object: 'ConfigMap gitlab-runner/gitlab-runner-arm64',
        field: 'config.template.toml › runners[staging-arm64].kubernetes.pod_annotations["karpenter.sh/do-not-disrupt"]',
        message: 'karpenter.sh/do-not-disrupt removed: Karpenter may disrupt nodes under running jobs',
      },
    ]);
  });

  it('flags the preStop drain hook removed, maxUnavailable raised and a PodDisruptionBudget removed', () => {
    const edited = editObject(base, { kind: 'Deployment', name: 'gitlab-runner-amd64' }, (b) => {
      delete b.spec.template.spec.containers[0].lifecycle;
      b.spec.strategy.rollingUpdate.maxUnavailable = 1;
    });
    const head = edited.filter((o) => !(o.cluster === 'staging' && o.kind === 'PodDisruptionBudget' && o.name === 'gitlab-runner-amd64'));
    expect(runCheck(drainProtectionRemoved, base, head).map((h) => `${h.object} ${h.field}: ${h.message}`)).toEqual([
      'Deployment gitlab-runner/gitlab-runner-amd64 spec.template.spec.containers[gitlab-runner].lifecycle.preStop: preStop hook removed: pods stop without draining',
      'Deployment gitlab-runner/gitlab-runner-amd64 spec.strategy.rollingUpdate.maxUnavailable: 0 → 1: a rollout may stop managers before new ones run',
      'PodDisruptionBudget gitlab-runner/gitlab-runner-amd64 : PodDisruptionBudget removed: evictions may stop every manager at once',
    ]);
  });

  it('flags a runner removed while its managers ran, and not one removed after retiring (replicas 0)', () => {
    const isArm64Runner = (o: { cluster: string; path: string }) => o.cluster === 'staging' && o.path.includes('/runners/runner-arm64/');
    const removed = base.filter((o) => !isArm64Runner(o));
    expect(runCheck(drainProtectionRemoved, base, removed).map((h) => `${h.object} ${h.field}: ${h.message}`)).toEqual([
      'Deployment gitlab-runner/gitlab-runner-arm64 spec.replicas: Deployment removed while it ran 1 managers: their running jobs fail (retire the runner first, docs/lifecycle.md)',
    ]);
    const retired = editObject(base, { kind: 'Deployment', name: 'gitlab-runner-arm64' }, (b) => {
      b.spec.replicas = 0;
    });
    expect(runCheck(drainProtectionRemoved, retired, removed)).toEqual([]);
  });
});
