/**
 * The steps test:e2e is made of, each small and reusable (later scenarios — runner removal, token rotation,
 * QoS and security-context proofs — compose the same steps): read the rendered fixture, install CRDs, apply the
 * Flux layers, declare the runners in the GitLab stand-in and hand their tokens to the cluster, wait for the
 * managers, watch the job namespace.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parseAllDocuments } from 'yaml';
import type { FakeGitLab } from '../fake-gitlab';
import { applyFleet, rotateRunner } from '../fake-gitlab/fleet';
import { revisionKeyBeside } from '../../lib/runner/token-revision';
import type { ResolvedCluster } from '../../lib/model/resolved';
import type { ManifestObject, RenderedFile } from '../../lib/synth/render';
import { jobPodProblems, type JobPodExpectation } from './checks';
import { fluxLayers, skippedController } from './flux-order';
import { Kube, sleep, waitFor, type KubeObject } from './kube';
import type { Architecture, NodeShape } from './node-plan';

export const JOB_NAMESPACE = 'gitlab-ci-jobs';
export const MANAGER_NAMESPACE = 'gitlab-runner';

/** Reads a rendered tree (paths relative to `root`, as in the repository) back into rendered files. */
export function readRendered(root: string): RenderedFile[] {
  const files: RenderedFile[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir).sort()) {
      const path = join(dir, entry);
      if (statSync(path).isDirectory()) walk(path);
      else if (entry.endsWith('.yaml')) {
        const content = readFileSync(path, 'utf8');
        const docs = parseAllDocuments(content).map((d) => d.toJS() as ManifestObject);
        files.push({ path: relative(root, path), content, ...(docs.length === 1 && docs[0]?.kind ? { object: docs[0] } : {}) });
      }
    }
  };
  walk(root);
  return files;
}

/** Installs CRDs from files (as listed by scripts/upstream-crds.sh) and waits until each is Established. */
export async function installCrds(kube: Kube, crdFiles: readonly string[]): Promise<string[]> {
  const names: string[] = [];
  for (const file of crdFiles) {
    for (const doc of parseAllDocuments(readFileSync(file, 'utf8'))) {
      const crd = doc.toJS() as KubeObject | null;
      if (crd?.kind !== 'CustomResourceDefinition') continue;
      await kube.apply(crd, 'test-e2e');
      names.push(crd.metadata.name);
    }
  }
  for (const name of names) {
    await waitFor(`CRD ${name} Established`, 60, async () => {
      const crd = await kube.get('apiextensions.k8s.io/v1', 'CustomResourceDefinition', undefined, name);
      return crd?.status?.conditions?.some((c: { type: string; status: string }) => c.type === 'Established' && c.status === 'True') ? true : undefined;
    });
  }
  return names;
}

/** What applying the layers did: per layer the objects applied, and the objects whose controller does not run. */
export interface ApplyReport {
  readonly layers: readonly { readonly name: string; readonly objects: number }[];
  readonly skipped: readonly string[];
}

/**
 * Applies a cluster's layers in Flux order with server-side apply (namespaces and CRD-less kinds first within a
 * layer, as kustomize-controller orders them). Flux would wait for each layer's health checks; NodePool health
 * needs Karpenter, so the wait is skipped and listed instead.
 */
export async function applyLayers(kube: Kube, cluster: string, files: readonly RenderedFile[], only?: readonly string[]): Promise<ApplyReport> {
  const layers = fluxLayers(cluster, files).filter((l) => !only || only.includes(l.name));
  const skipped: string[] = [];
  const order = (o: ManifestObject) => (o.kind === 'Namespace' ? 0 : o.kind === 'CustomResourceDefinition' ? 1 : 2);
  for (const layer of layers) {
    for (const object of [...layer.objects].sort((a, b) => order(a) - order(b))) {
      await kube.apply(object);
      const controller = skippedController(object);
      if (controller) skipped.push(`${layer.name}: ${object.kind} ${object.metadata.name} — ${controller}`);
    }
  }
  return { layers: layers.map((l) => ({ name: l.name, objects: l.objects.length })), skipped };
}

/** One runner of the fixture as the test sees it: GitLab's side and the cluster's side. */
export interface RunnerUnderTest {
  readonly arch: Architecture;
  /** Deployment, ConfigMap, Role and manager ServiceAccount name. */
  readonly name: string;
  readonly jobServiceAccount: string;
  readonly tokenSecret: string;
  readonly tags: readonly string[];
  readonly gitlabRunnerId: number;
  readonly token: string;
  readonly poolNodes: readonly NodeShape[];
}

/** Runner facts the rendered output states: from the Deployment and the rendered ServiceAccounts. */
export function runnersFromRendered(files: readonly RenderedFile[], nodes: readonly NodeShape[]): Omit<RunnerUnderTest, 'gitlabRunnerId' | 'token' | 'tags'>[] {
  const objects = files.flatMap((f) => (f.object ? [f.object] : []));
  return objects
    .filter((o) => o.kind === 'Deployment' && o.metadata.namespace === MANAGER_NAMESPACE)
    .map((deployment) => {
      const labels = (deployment.metadata as { labels?: Record<string, string> }).labels ?? {};
      const arch = labels['gitlab-runner-fleet/arch'] as Architecture;
      const spec = (deployment as unknown as { spec: { template: { spec: { volumes: { name: string; secret?: { secretName: string } }[] } } } }).spec;
      const tokenSecret = spec.template.spec.volumes.find((v) => v.secret)?.secret?.secretName;
      const jobServiceAccount = objects.find(
        (o) => o.kind === 'ServiceAccount' && o.metadata.namespace === JOB_NAMESPACE && (o.metadata as { labels?: Record<string, string> }).labels?.['gitlab-runner-fleet/arch'] === arch,
      )?.metadata.name;
      const configMap = objects.find((o) => o.kind === 'ConfigMap' && o.metadata.name === deployment.metadata.name) as { data?: Record<string, string> } | undefined;
      const pool = /"karpenter\.sh\/nodepool" = "([^"]+)"/.exec(configMap?.data?.['config.template.toml'] ?? '')?.[1];
      if (!tokenSecret || !jobServiceAccount || !pool) throw new Error(`runner ${deployment.metadata.name}: cannot find its token Secret, job ServiceAccount or job pool in the rendered files`);
      return { arch, name: deployment.metadata.name, jobServiceAccount, tokenSecret, poolNodes: nodes.filter((n) => n.pool === pool) };
    })
    .sort((a, b) => a.name.localeCompare(b.name));
}

/**
 * Registers the cluster's runners in the GitLab stand-in through the real gitlab:apply code (tags, run-untagged,
 * maximum timeout, paused, scope as the definition implies) and creates the token Secret each rendered Deployment
 * reads (External Secrets would make it in production).
 */
export async function declareRunners(
  kube: Kube,
  gitlab: FakeGitLab,
  cluster: ResolvedCluster,
  runners: readonly Omit<RunnerUnderTest, 'gitlabRunnerId' | 'token' | 'tags'>[],
): Promise<RunnerUnderTest[]> {
  const applied = await applyFleet(gitlab, [cluster]);
  const result: RunnerUnderTest[] = [];
  for (const runner of runners) {
    const resolved = cluster.runners.find((r) => r.arch === runner.arch) ?? fail(`no runner of ${runner.arch} in cluster ${cluster.name}`);
    const registered = applied.get(`${cluster.name}/${resolved.name}`) ?? fail(`gitlab:apply registered no runner ${cluster.name}/${resolved.name}`);
    const tags = gitlab.runner(registered.id)?.tagList ?? [];
    await kube.apply(
      { apiVersion: 'v1', kind: 'Secret', metadata: { name: runner.tokenSecret, namespace: MANAGER_NAMESPACE }, type: 'Opaque', stringData: { token: registered.token } },
      'test-e2e',
    );
    result.push({ ...runner, tags, gitlabRunnerId: registered.id, token: registered.token });
  }
  return result;
}

function fail(message: string): never {
  throw new Error(message);
}

/**
 * Rotates a runner's token as `npm run gitlab:rotate -- --runner <cluster>/<runner> --revision <revision>` does
 * (the real rotate code, see rotateRunner), then writes the new token and the revision together into the runner's
 * existing Secret, under the keys the managers read (what the `kubectl create secret` line gitlab:rotate prints
 * does). `cluster` is the next revision of the definition, the one that names `revision`. Returns the new token.
 */
export async function rotateRunnerToken(kube: Kube, gitlab: FakeGitLab, cluster: ResolvedCluster, runner: RunnerUnderTest, revision: string): Promise<string> {
  const resolved = cluster.runners.find((r) => r.arch === runner.arch) ?? fail(`no runner of ${runner.arch} in cluster ${cluster.name}`);
  if (resolved.tokenRevision !== revision) fail(`rotateRunnerToken: the definition names revision ${JSON.stringify(resolved.tokenRevision)}, not ${JSON.stringify(revision)}`);
  return rotateRunner(gitlab, cluster, resolved.name, revision, async (token) => {
    await kube.apply(
      {
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: { name: runner.tokenSecret, namespace: MANAGER_NAMESPACE },
        type: 'Opaque',
        stringData: { [resolved.tokenSecret.key]: token, [revisionKeyBeside(resolved.tokenSecret.key)]: revision },
      },
      'test-e2e',
    );
    return `Secret ${MANAGER_NAMESPACE}/${runner.tokenSecret}`;
  });
}

/** Pods of a Deployment (by its selector), newest first. */
export async function deploymentPods(kube: Kube, name: string): Promise<KubeObject[]> {
  const deployment = await kube.get('apps/v1', 'Deployment', MANAGER_NAMESPACE, name);
  const selector = Object.entries((deployment?.spec?.selector?.matchLabels ?? {}) as Record<string, string>)
    .map(([k, v]) => `${k}=${v}`)
    .join(',');
  const pods = await kube.list('v1', 'Pod', MANAGER_NAMESPACE, selector);
  return pods.sort((a, b) => (b.metadata.creationTimestamp ?? '').localeCompare(a.metadata.creationTimestamp ?? ''));
}

/** Waits until a Deployment's rollout is complete: every replica updated, available, and no old pod left. */
export async function waitRolledOut(kube: Kube, name: string, seconds: number): Promise<KubeObject> {
  return waitFor(`Deployment ${name} rolled out`, seconds, async (note) => {
    const d = await kube.get('apps/v1', 'Deployment', MANAGER_NAMESPACE, name);
    const s = d?.status ?? {};
    const want = d?.spec?.replicas ?? 1;
    note(`generation ${d?.metadata && (d as { metadata: { generation?: number } }).metadata.generation}/${s.observedGeneration}, updated ${s.updatedReplicas}, available ${s.availableReplicas}, total ${s.replicas}`);
    const done = s.observedGeneration === (d?.metadata as { generation?: number }).generation && s.updatedReplicas === want && s.availableReplicas === want && s.replicas === want;
    return done ? d : undefined;
  });
}

/**
 * Watches the job namespace (polling; job pods live for seconds) and keeps the last state of every pod seen, and
 * the problems each had against its runner's expectation the moment it was seen.
 */
export class JobPodRecorder {
  readonly pods = new Map<string, KubeObject>();
  readonly problems = new Map<string, string[]>();
  private running = true;
  private loop: Promise<void> | undefined;

  constructor(
    private readonly kube: Kube,
    private readonly expectationFor: (pod: KubeObject) => JobPodExpectation | undefined,
  ) {}

  start(): this {
    this.loop = (async () => {
      while (this.running) {
        try {
          for (const pod of await this.kube.list('v1', 'Pod', JOB_NAMESPACE)) {
            this.pods.set(pod.metadata.name, pod);
            const expected = this.expectationFor(pod);
            const problems = expected ? jobPodProblems(pod, expected) : [`job pod ${pod.metadata.name}: belongs to no runner under test`];
            const known = this.problems.get(pod.metadata.name) ?? [];
            this.problems.set(pod.metadata.name, [...new Set([...known, ...problems])]);
          }
        } catch {
          // The next round retries; an API server that stays down fails the scenarios that wait on it.
        }
        await sleep(300);
      }
    })();
    return this;
  }

  /** Pods seen for GitLab job `jobId` (the runner annotates its pods with the job id). */
  podsOfJob(jobId: number): KubeObject[] {
    return [...this.pods.values()].filter((p) => p.metadata.annotations?.['job.runner.gitlab.com/id'] === String(jobId));
  }

  problemsOfJob(jobId: number): string[] {
    return this.podsOfJob(jobId).flatMap((p) => this.problems.get(p.metadata.name) ?? []);
  }

  async stop(): Promise<void> {
    this.running = false;
    await this.loop;
  }
}
