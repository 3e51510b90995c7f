import { editObject, editRunnerConfig, renderObjects, runCheck } from '../testing';
import { limitsRaised } from './limits';

const base = renderObjects();

describe('limitsRaised', () => {
  it('is silent when nothing changed, and when a limit is lowered', () => {
    expect(runCheck(limitsRaised, base, renderObjects())).toEqual([]);
    const lowered = editObject(base, { kind: 'NodePool', name: 'gitlab-ci-jobs-amd64' }, (b) => (b.spec.limits.cpu = '16'));
    expect(runCheck(limitsRaised, base, lowered)).toEqual([]);
  });

  it('flags a NodePool limit raised or removed', () => {
    const head = editObject(base, { kind: 'NodePool', name: 'gitlab-ci-jobs-amd64' }, (b) => {
      b.spec.limits.cpu = '64';
      delete b.spec.limits.memory;
    });
    expect(runCheck(limitsRaised, base, head).map((h) => `${h.object} ${h.field}: ${h.message}`)).toEqual([
      'NodePool gitlab-ci-jobs-amd64 spec.limits.cpu: "32" → "64"',
      'NodePool gitlab-ci-jobs-amd64 spec.limits.memory: 128Gi → removed: the pool is unbounded',
    ]);
  });

  it('flags runner concurrency, job maximums and replicas raised, and limit = 0 as unlimited', () => {
    const config = editObject(base, { kind: 'ConfigMap', name: 'gitlab-runner-amd64' }, (b) =>
      editRunnerConfig(b, (toml) =>
        toml
          .replace('concurrent = 4', 'concurrent = 8')
          .replace('limit = 4', 'limit = 0')
          .replace('cpu_limit_overwrite_max_allowed = "4"', 'cpu_limit_overwrite_max_allowed = "8"'),
      ),
    );
    const head = editObject(config, { kind: 'Deployment', name: 'gitlab-runner-amd64' }, (b) => (b.spec.replicas = 2));
    expect(runCheck(limitsRaised, base, head).map((h) => `${h.field}: ${h.message}`)).toEqual([
      'config.template.toml › concurrent: 4 → 8',
      'config.template.toml › runners[staging-amd64].limit: 4 → 0 (0: unlimited)',
      'config.template.toml › runners[staging-amd64].kubernetes.cpu_limit_overwrite_max_allowed: "4" → "8"',
      'spec.replicas: 1 → 2',
    ]);
  });
});
