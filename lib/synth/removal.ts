/**
 * A runner may leave a cluster only once its managers are gone. Flux prunes every object of a removed runner in
 * one pass (kustomize-controller deletes them all at once, background propagation, no waiting): the Deployment's
 * pods start their SIGQUIT drain just as their ServiceAccount (so their API token) and their Role in the job
 * namespace are deleted, so the draining managers can no longer watch, exec into or delete their job pods and the
 * running jobs fail. The safe path is two merges: `retiring: true` (replicas 0, everything else kept) and, once
 * the pods are gone, the removal. The synth compares what it renders with the deployed manifests (a git revision's
 * dist/ in CI, the working tree otherwise; see committed-tree.ts) and refuses a removal that skips the first step.
 *
 * A whole cluster is worse: Flux would prune its runners, node pools, Karpenter and its node class in one pass, in
 * no order, so managers die mid-job and Karpenter's nodes, instance profile and launch templates outlive it. Even
 * managers at zero replicas do not make that safe, so a cluster may disappear only once it is torn down
 * (docs/lifecycle.md, "Tear down a cluster") and listed as decommissioned.
 */
import { parse } from 'yaml';
import { UserInputError } from '../model/errors';
import type { CommittedTree } from './committed-tree';
import type { RenderedFile } from './render';

/** A manifest as committed: its repository-relative path and its text. */
export interface CommittedFile {
  readonly path: string;
  readonly content: string;
}

/** What the comparison needs of the deployed manifests. */
export interface CommittedFleet {
  /** How messages name where they were read, for example "revision 1a2b3c4d". */
  readonly label: string;
  /** Each cluster with files under dist/<cluster>/, and how many. */
  readonly clusters: ReadonlyMap<string, number>;
  /** Every committed runner manager Deployment. */
  readonly managers: readonly CommittedFile[];
}

const MANAGER_DEPLOYMENT = /^dist\/([^/]+)\/runners\/[^/]+\/Deployment\.[^/]+\.yaml$/;

/** The committed clusters and manager Deployments of a tree. */
export function readCommitted(tree: CommittedTree): CommittedFleet {
  const clusters = new Map<string, number>();
  const managers: CommittedFile[] = [];
  for (const path of tree.distFiles()) {
    const cluster = path.split('/')[1];
    if (!cluster || path.split('/').length < 3) continue;
    clusters.set(cluster, (clusters.get(cluster) ?? 0) + 1);
    if (MANAGER_DEPLOYMENT.test(path)) managers.push({ path, content: tree.read(path) });
  }
  return { label: tree.label, clusters, managers };
}

interface ManagerDeployment {
  readonly kind?: string;
  readonly metadata?: { readonly name?: string; readonly namespace?: string };
  readonly spec?: { readonly replicas?: number };
}

const replicasOf = (deployment: ManagerDeployment | null) => deployment?.spec?.replicas ?? 1;

/**
 * Problems with removals against the deployed manifests: a committed manager Deployment of a cluster still rendered,
 * absent from the new render, that did not run zero replicas; and a committed cluster absent from the render that is
 * not in `decommissioned`.
 */
export function findUnsafeRemovals(committed: CommittedFleet, rendered: readonly RenderedFile[], decommissioned: readonly string[] = []): string[] {
  const renderedPaths = new Set(rendered.map((f) => f.path));
  const renderedClusters = new Set(rendered.flatMap((f) => (f.path.startsWith('dist/') ? [f.path.split('/')[1]] : [])));
  const problems: string[] = [];
  for (const cluster of decommissioned) {
    if (renderedClusters.has(cluster)) {
      problems.push(`cluster "${cluster}" is listed in \`decommissioned\` (definitions/clusters.ts) but still defined: remove one or the other`);
    }
  }
  for (const [cluster, files] of committed.clusters) {
    if (renderedClusters.has(cluster) || decommissioned.includes(cluster)) continue;
    const managers = committed.managers
      .filter((m) => MANAGER_DEPLOYMENT.exec(m.path)?.[1] === cluster)
      .map((m) => replicasOf(parse(m.content) as ManagerDeployment | null));
    const running = managers.reduce((sum, n) => sum + n, 0);
    problems.push(
      `cluster "${cluster}": all ${files} files of dist/${cluster}/ (in ${committed.label}) would be deleted, ${managers.length} runner(s) ` +
        `with ${running} manager(s) among them. Flux would prune the runners, job pools and Karpenter in one pass, in no order: ` +
        'running jobs are lost and Karpenter\'s nodes, instance profile and launch templates outlive it. A cluster leaves only after ' +
        `its teardown (docs/lifecycle.md, "Tear down a cluster"): then add "${cluster}" to \`decommissioned\` in definitions/clusters.ts. ` +
        'To rename a cluster, add it under the new name beside the old one, then tear the old one down.',
    );
  }
  for (const file of committed.managers) {
    const cluster = MANAGER_DEPLOYMENT.exec(file.path)?.[1];
    if (!cluster || !renderedClusters.has(cluster) || renderedPaths.has(file.path)) continue;
    const deployment = parse(file.content) as ManagerDeployment | null;
    if (deployment?.kind !== 'Deployment') continue;
    const replicas = replicasOf(deployment);
    if (replicas === 0) continue;
    const name = deployment.metadata?.name ?? file.path;
    problems.push(
      `cluster "${cluster}": runner manager ${name} (${file.path}) would be deleted while it runs ${replicas} manager(s) in ${committed.label}. ` +
        'Flux would delete its ServiceAccount, Role and token in the same pass, and the draining managers would lose their ' +
        'running jobs. First set `retiring: true` on the runner and merge; once its pods are gone ' +
        `(kubectl -n ${deployment.metadata?.namespace ?? 'gitlab-runner'} get pods -l app.kubernetes.io/instance=${name}), remove it. See docs/lifecycle.md.`,
    );
  }
  return problems;
}

/** A render that would remove runners or clusters unsafely; nothing was written. */
export class UnsafeRemovalError extends UserInputError {
  constructor(readonly problems: readonly string[]) {
    super(`unsafe removal:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'UnsafeRemovalError';
  }
}
