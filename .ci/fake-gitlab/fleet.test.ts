import { fleet } from '../../definitions';
import { applyFleet } from './fleet';
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
