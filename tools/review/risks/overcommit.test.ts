import { editObject, editRunnerConfig, renderObjects, runCheck } from '../testing';
import { capacityOvercommitted } from './overcommit';

const base = renderObjects();
const lines = (from: ReturnType<typeof renderObjects>, head: ReturnType<typeof renderObjects>) =>
  runCheck(capacityOvercommitted, from, head).map((h) => `${h.cluster} ${h.object} ${h.field}: ${h.message}`);

describe('capacityOvercommitted', () => {
  it('is silent on the example fleet, whose pools hold every job at its maximum size', () => {
    expect(lines(base, renderObjects())).toEqual([]);
  });

  it('flags a pool limit lowered below what the jobs may ask', () => {
    // staging amd64: 4 jobs × 1 replica × (4 CPU + 200m helper) = 16.8 CPU
    const head = editObject(base, { kind: 'NodePool', name: 'gitlab-ci-jobs-amd64' }, (b) => (b.spec.limits.cpu = '16'));
    expect(lines(base, head)).toEqual([
      'staging NodePool gitlab-ci-jobs-amd64 spec.limits.cpu: jobs at their maximum size ask 16.8 CPU (gitlab-runner-amd64: 4 jobs × 1 replicas × 4.2 CPU, 8.25Gi), ' +
        'the limit is 16 CPU: when many large jobs come at once, some wait for capacity and may fail at poll_timeout',
    ]);
  });

  it.each([
    ['replicas raised', (objects: ReturnType<typeof renderObjects>) => editObject(objects, { kind: 'Deployment', name: 'gitlab-runner-arm64' }, (b) => (b.spec.replicas = 10))],
    ['concurrency raised', (objects: ReturnType<typeof renderObjects>) =>
      editObject(objects, { kind: 'ConfigMap', name: 'gitlab-runner-arm64' }, (b) => editRunnerConfig(b, (t) => t.replace('concurrent = 4', 'concurrent = 40').replace('limit = 4', 'limit = 40')))],
    ['the job maximum raised', (objects: ReturnType<typeof renderObjects>) =>
      editObject(objects, { kind: 'ConfigMap', name: 'gitlab-runner-arm64' }, (b) => editRunnerConfig(b, (t) => t.replace('memory_request_overwrite_max_allowed = "8Gi"', 'memory_request_overwrite_max_allowed = "40Gi"')))],
  ])('flags a pool overcommitted by %s', (_, edit) => {
    const out = lines(base, edit(base));
    expect(out.length).toBeGreaterThan(0);
    for (const line of out) expect(line).toMatch(/^staging NodePool gitlab-ci-jobs-arm64 spec\.limits\.(cpu|memory): jobs at their maximum size ask .* the limit is/);
  });

  it('is silent when an overcommitted pool gets no worse, and flags it when it gets worse', () => {
    const over = editObject(base, { kind: 'NodePool', name: 'gitlab-ci-jobs-amd64' }, (b) => (b.spec.limits.cpu = '8'));
    const same = editObject(over, { kind: 'NodePool', name: 'gitlab-ci-jobs-amd64' }, (b) => (b.spec.consolidateAfter = '3m'));
    expect(lines(over, same)).toEqual([]);
    const worse = editObject(over, { kind: 'NodePool', name: 'gitlab-ci-jobs-amd64' }, (b) => (b.spec.limits.cpu = '4'));
    expect(lines(over, worse)).toHaveLength(1);
  });
});
