import { fleet } from '../../definitions';
import { e2eCluster } from '../e2e/fixture/definition';
import { resolveFleet } from '../../lib/model/fleet';
import { applyFleet, rotateRunner } from './fleet';
import { FakeGitLab } from './server';

jest.setTimeout(60_000);

test('an HTTPS fake GitLab gets every runner of the clusters from gitlab:apply, with the tokens the runners authenticate with', async () => {
  const gitlab = await FakeGitLab.start({ tls: true, plainLoopback: true });
  try {
    expect(gitlab.loopbackUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const applied = await applyFleet(gitlab, fleet);
    expect([...applied.keys()].sort()).toEqual(fleet.flatMap((c) => c.runners.map((r) => r.gitlab.key)).sort());
    for (const cluster of fleet) {
      for (const runner of cluster.runners) {
        const { id, token } = applied.get(runner.gitlab.key)!;
        expect(gitlab.runner(id)).toMatchObject({ token, maximumTimeout: runner.jobTimeoutSeconds, runUntagged: runner.runUntagged, tagList: runner.tags });
      }
    }
    const job = gitlab.enqueueJob({ tags: ['arm64', 'staging'], script: ['true'], project: 'example-group/app' });
    const { token } = applied.get('staging/arm64')!;
    const reply = await fetch(`${gitlab.loopbackUrl}/api/v4/jobs/request`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ token }) });
    expect(((await reply.json()) as { id: number }).id).toBe(job.id);
  } finally {
    await gitlab.stop();
  }
});

test('without a plain loopback listener an HTTPS fake is refused, saying how to start it', async () => {
  const gitlab = await FakeGitLab.start({ tls: true });
  try {
    await expect(applyFleet(gitlab, fleet)).rejects.toThrow('start it with plainLoopback: true');
  } finally {
    await gitlab.stop();
  }
});

test('rotateRunner resets the token through gitlab:rotate: the old one is refused at once, the new one is stored and takes jobs', async () => {
  const gitlab = await FakeGitLab.start({ tls: true, plainLoopback: true });
  const requestJob = async (token: string) =>
    fetch(`${gitlab.loopbackUrl}/api/v4/jobs/request`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ token }) });
  try {
    const [cluster] = resolveFleet([e2eCluster({ arm64: { tokenRevision: 'r2' } })]);
    const applied = await applyFleet(gitlab, [cluster!]);
    const before = applied.get('e2e/arm64')!;
    const others = [...applied].filter(([key]) => key !== 'e2e/arm64');
    const stored: string[] = [];
    const token = await rotateRunner(gitlab, cluster!, 'arm64', 'r2', async (t) => {
      stored.push(t);
      return 'the test';
    });
    expect(stored).toEqual([token]);
    expect(token).not.toBe(before.token);
    expect(gitlab.runner(before.id)?.token).toBe(token);
    expect((await requestJob(before.token)).status).toBe(403);
    const job = gitlab.enqueueJob({ tags: ['arm64'], script: ['true'] });
    const reply = await requestJob(token);
    expect(reply.status).toBe(201);
    expect(((await reply.json()) as { id: number }).id).toBe(job.id);
    for (const [, other] of others) expect(gitlab.runner(other.id)?.token).toBe(other.token);
    await expect(rotateRunner(gitlab, cluster!, 'nope', 'r2', async () => 'the test')).rejects.toThrow(/exited 2[\s\S]*nope/);
  } finally {
    await gitlab.stop();
  }
});
