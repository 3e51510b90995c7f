import { editObject, renderObjects, runCheck } from '../testing';
import { gracePeriodsShortened, poolShortfalls, runnerManagers } from './grace-periods';

const base = renderObjects();
const staging = (objects: typeof base) => objects.filter((o) => o.cluster === 'staging');

describe('runnerManagers', () => {
  it('derives each manager’s job timeout and job pool from the rendered Deployment and config.toml', () => {
    expect(runnerManagers(staging(base))).toEqual([
      { name: 'gitlab-runner-amd64', graceSeconds: 3900, jobTimeoutSeconds: 3600, pools: ['gitlab-ci-jobs-amd64'] },
      { name: 'gitlab-runner-arm64', graceSeconds: 3900, jobTimeoutSeconds: 3600, pools: ['gitlab-ci-jobs-arm64'] },
    ]);
    expect(poolShortfalls(staging(base))).toEqual([]);
  });
});

describe('gracePeriodsShortened', () => {
  it('is silent when nothing changed', () => {
    expect(runCheck(gracePeriodsShortened, base, renderObjects())).toEqual([]);
  });

  it('flags a manager’s grace period shortened, with the job length it now covers', () => {
    const head = editObject(base, { kind: 'Deployment', name: 'gitlab-runner-amd64' }, (b) => (b.spec.template.spec.terminationGracePeriodSeconds = 2100));
    expect(runCheck(gracePeriodsShortened, base, head)).toContainEqual({
      kind: 'grace-period',
      cluster: 'staging',
      object: 'Deployment gitlab-runner/gitlab-runner-amd64',
      field: 'spec.template.spec.terminationGracePeriodSeconds',
      message: '3900 → 2100: drains jobs up to 30m, was 1h; a rollout kills longer jobs',
    });
  });

  it('flags a job pool whose terminationGracePeriod falls below its runners’ job timeout', () => {
    const head = editObject(base, { kind: 'NodePool', name: 'gitlab-ci-jobs-arm64' }, (b) => (b.spec.template.spec.terminationGracePeriod = '30m'));
    expect(runCheck(gracePeriodsShortened, base, head).map((h) => `${h.object}: ${h.message}`)).toEqual([
      'NodePool gitlab-ci-jobs-arm64: 30m is shorter than the longest job timeout of gitlab-runner-arm64 (1h): expiring or drained nodes kill running jobs',
    ]);
  });

  it('flags a pool left behind when a runner’s job timeout grows', () => {
    const head = editObject(base, { kind: 'Deployment', name: 'gitlab-runner-amd64' }, (b) => (b.spec.template.spec.terminationGracePeriodSeconds = 7500));
    expect(runCheck(gracePeriodsShortened, base, head).map((h) => h.object)).toEqual(['NodePool gitlab-ci-jobs-amd64', 'NodePool gitlab-runner-managers']);
  });
});
