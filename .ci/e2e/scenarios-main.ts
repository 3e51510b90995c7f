/**
 * test:e2e, step 3 (cluster.sh has started the cluster): applies the rendered fixture as Flux would, runs real jobs
 * through it with the GitLab stand-in, proves each scenario can fail on a broken copy, and prints figures.
 *
 * usage: node scripts/run-ts.mjs .ci/e2e/scenarios-main.ts WORK
 *   WORK holds rendered/ and node-plan.json (prepare.ts), crds.txt (scripts/upstream-crds.sh), state/ (cluster.sh).
 *   E2E_SELF_TEST=0 skips the proofs that the harness fails on broken copies.
 */
import { appendFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { FakeGitLab } from '../fake-gitlab';
import { E2E_GITLAB_ADDRESS, e2eCluster } from './fixture/definition';
import { applyLayers, declareRunners, installCrds, JobPodRecorder, readRendered, rotateRunnerToken, runnersFromRendered, waitRolledOut } from './harness';
import { startImages, type Images } from './images';
import { resolveFleet } from '../../lib/model/fleet';
import { Kube } from './kube';
import { breakRole, sigtermDrain, wrongNodeSelector } from './mutations';
import type { NodeShape } from './node-plan';
import { renderCluster, writeRendered } from './render';
import {
  expectFailure,
  jobNamespaceIsClean,
  jobsRunOnTheirArchitecture,
  managersRunAsRendered,
  noManagerRequestDenied,
  removalMidJob,
  rolloutMidJob,
  rotationMidJob,
  runJob,
  runnerOf,
  ScenarioFailure,
  type E2eContext,
} from './scenarios';

const work = process.argv[2] ?? '';
const state = join(work, 'state');
const figures: string[] = [];
const figure = (line: string) => {
  figures.push(line);
  if (process.env.E2E_FIGURES_FILE) appendFileSync(process.env.E2E_FIGURES_FILE, `${line}\n`);
};
const log = (line: string) => console.error(`test:e2e: ${line}`);
const seconds = (since: number) => ((Date.now() - since) / 1000).toFixed(1);

async function main(): Promise<number> {
  if (!work) throw new Error('usage: scenarios-main.ts WORK');
  const cluster = e2eCluster();
  const rendered = readRendered(join(work, 'rendered'));
  const nodes = JSON.parse(readFileSync(join(work, 'node-plan.json'), 'utf8')) as NodeShape[];
  const kube = Kube.fromState(state, E2E_GITLAB_ADDRESS.host);

  const gitlab = await FakeGitLab.start({ host: E2E_GITLAB_ADDRESS.host, port: E2E_GITLAB_ADDRESS.port, tls: true, plainLoopback: true });
  let recorder: JobPodRecorder | undefined;
  let images: Images | undefined;
  try {
    images = await startImages({
      root: join(__dirname, '..', '..'),
      work,
      dist: join(work, 'rendered'),
      caFile: gitlab.caFile!,
      hostsDir: join(work, 'hosts'),
      timeoutSeconds: 3600,
    });
    figure(`images (build or cache, push): ${images.seconds.toFixed(1)}s`);
    log(`runner under test: ${images.facts.E2E_RUNNER_MODULE} (commit ${images.facts.E2E_RUNNER_COMMIT}, VERSION ${images.facts.E2E_RUNNER_VERSION})`);

    let t = Date.now();
    const crdFiles = readFileSync(join(work, 'crds.txt'), 'utf8').split('\n').filter(Boolean);
    await installCrds(kube, crdFiles);
    const applied = await applyLayers(kube, cluster.name, rendered);
    log(`applied ${applied.layers.map((l) => `${l.name} (${l.objects})`).join(' → ')} in ${seconds(t)}s; not acted on here:`);
    for (const line of applied.skipped) log(`  skipped ${line}`);

    const runners = await declareRunners(kube, gitlab, resolveFleet([cluster])[0]!, runnersFromRendered(rendered, nodes));
    log(`runners registered by gitlab:apply: ${runners.map((r) => `${r.name} tags [${r.tags.join(', ')}]`).join('; ')}`);
    t = Date.now();
    await Promise.all(runners.map((r) => waitRolledOut(kube, r.name, 240)));
    figure(`managers ready after apply: ${seconds(t)}s`);

    recorder = new JobPodRecorder(kube, (pod) => {
      const runner = runners.find((r) => pod.metadata.labels?.['gitlab-runner-fleet/runner'] === r.arch);
      return runner && { poolNodes: runner.poolNodes, serviceAccount: runner.jobServiceAccount };
    }).start();
    const ctx: E2eContext = { kube, gitlab, cluster: cluster.name, runners, recorder, auditLog: join(state, 'logs', 'audit.log'), log };

    const results: { name: string; ok: boolean; detail: string }[] = [];
    const scenario = async (name: string, body: () => Promise<string | void>) => {
      const start = Date.now();
      try {
        const detail = (await body()) ?? '';
        results.push({ name, ok: true, detail });
        log(`ok   ${name} (${seconds(start)}s)${detail ? `: ${detail}` : ''}`);
      } catch (error) {
        results.push({ name, ok: false, detail: (error as Error).message });
        log(`FAIL ${name} (${seconds(start)}s): ${(error as Error).message}`);
      }
    };

    await scenario('managers run as rendered', () => managersRunAsRendered(ctx));
    await scenario('a job per architecture succeeds on its pool, as the pod checks require', async () => {
      const perArch = await jobsRunOnTheirArchitecture(ctx);
      for (const [arch, s] of Object.entries(perArch)) figure(`job hand-out to success, ${arch}: ${s.toFixed(1)}s`);
      return Object.entries(perArch).map(([arch, s]) => `${arch} ${s.toFixed(1)}s`).join(', ');
    });
    const amd64 = runnerOf(ctx, 'amd64');
    const nextRevision = renderCluster(e2eCluster({ amd64: { concurrent: 3 } }));
    writeRendered(join(work, 'rendered-next'), nextRevision);
    await scenario('rollout mid-job: the old manager finishes its job, the new one takes the next', async () => {
      const { rolloutSeconds } = await rolloutMidJob(ctx, amd64, nextRevision);
      figure(`rollout with a job in flight: ${rolloutSeconds.toFixed(1)}s`);
    });
    // Lifecycle (docs/lifecycle.md) on the arm64 runner, amd64 staying at its next revision: rotate its token, then
    // retire and remove it, each with a job in flight. The self-tests below go on from the cluster without it.
    let arm64 = runnerOf(ctx, 'arm64');
    const revision = 'e2e-rotation';
    const rotatedDefinition = e2eCluster({ amd64: { concurrent: 3 }, arm64: { tokenRevision: revision } });
    await scenario('token rotation mid-job: the running job succeeds, the old token is refused, the new managers take the next job', async () => {
      const rotate = () => rotateRunnerToken(kube, gitlab, resolveFleet([rotatedDefinition])[0]!, arm64, revision);
      const { rolloutSeconds, token } = await rotationMidJob(ctx, arm64, rotate, renderCluster(rotatedDefinition));
      arm64 = { ...arm64, token };
      figure(`token rotation with a job in flight: ${rolloutSeconds.toFixed(1)}s`);
    });
    const withoutArm64 = renderCluster(e2eCluster({ amd64: { concurrent: 3 }, arm64: null }));
    await scenario('removal mid-job: retiring keeps identity and RBAC until the job is done, removal leaves nothing', async () => {
      const retiring = renderCluster(e2eCluster({ amd64: { concurrent: 3 }, arm64: { tokenRevision: revision, retiring: true } }));
      const { drainSeconds } = await removalMidJob(ctx, arm64, retiring, withoutArm64, 20);
      figure(`retiring drain with a job in flight: ${drainSeconds.toFixed(1)}s`);
    });
    await scenario('cleanup: nothing of the jobs is left in the job namespace', () => jobNamespaceIsClean(ctx));
    await scenario('no manager request was denied (API server audit log)', async () => noManagerRequestDenied(ctx));

    if (process.env.E2E_SELF_TEST !== '0' && results.every((r) => r.ok)) {
      // Each proof applies a broken copy of what was rendered and expects the matching scenario to fail.
      await scenario('self-test: a broken Role fails the job and the audit check', async () => {
        await applyLayers(kube, cluster.name, breakRole(amd64.name)(withoutArm64), ['runners']);
        const jobFailure = await expectFailure('broken Role', async () => {
          const { job } = await runJob(ctx, amd64, ['echo should not run'], { seconds: 120 });
          if (job.status !== 'success') throw new ScenarioFailure(`job ${job.id} ended ${job.status}`);
        });
        const auditFailure = await expectFailure('broken Role (audit)', async () => noManagerRequestDenied(ctx));
        await applyLayers(kube, cluster.name, withoutArm64, ['runners']);
        return `${jobFailure}; ${auditFailure}`;
      });
      await scenario('self-test: a wrong node selector fails the pod checks', async () => {
        await applyLayers(kube, cluster.name, wrongNodeSelector(amd64.name, 'gitlab-runner-managers')(withoutArm64), ['runners']);
        await waitRolledOut(kube, amd64.name, 180);
        const failure = await expectFailure('wrong node selector', () => jobsRunOnTheirArchitecture({ ...ctx, runners: [amd64] }));
        return failure;
      });
      await scenario('self-test: a SIGTERM drain fails the rollout scenario', async () => {
        const broken = sigtermDrain(amd64.name)(withoutArm64);
        await applyLayers(kube, cluster.name, broken, ['runners']);
        await waitRolledOut(kube, amd64.name, 180);
        // The running managers now have the SIGTERM drain.sh; the next revision replaces them mid-job.
        return expectFailure('SIGTERM drain', () => rolloutMidJob(ctx, amd64, sigtermDrain(amd64.name)(renderCluster(e2eCluster({ amd64: { concurrent: 2 }, arm64: null }))), 30));
      });
    }

    const failed = results.filter((r) => !r.ok);
    log(`${results.length - failed.length} passed, ${failed.length} failed`);
    return failed.length ? 1 : 0;
  } finally {
    await recorder?.stop();
    await images?.stop();
    await gitlab.stop();
  }
}

main().then(
  (code) => process.exit(code),
  (error: Error) => {
    log(`error: ${error.stack ?? error.message}`);
    process.exit(2);
  },
);
