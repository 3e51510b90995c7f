/**
 * Which runner GitLab may give a job to. GitLab hands a job to any runner that has every one of the job's tags (and
 * an untagged job only to runners that run untagged jobs). So a runner whose tags include all of another runner's
 * takes that runner's jobs too: a specialised runner (large memory, on-demand) must carry a distinct tag instead.
 * Retiring runners take no jobs (no managers) and are left out.
 */
import type { DefinitionProblem } from './schema';
import type { ResolvedCluster, ResolvedRunner } from './resolved';

/** One class of jobs: those whose tags are all in `tags` (`untagged`: jobs without tags), and who may take them. */
export interface JobRoute {
  /** Sorted tag set; empty for untagged jobs. */
  readonly tags: readonly string[];
  readonly untagged: boolean;
  /** Names of the runners GitLab may give such a job to; empty: the job stays pending. */
  readonly runners: readonly string[];
}

function activeRunners(cluster: ResolvedCluster): ResolvedRunner[] {
  return cluster.runners.filter((r) => !r.retiring);
}

function includesAll(tags: readonly string[], of: readonly string[]): boolean {
  return of.every((tag) => tags.includes(tag));
}

/** Whether GitLab may give a job with these tags to this runner. */
export function takesJob(runner: ResolvedRunner, jobTags: readonly string[]): boolean {
  return jobTags.length ? includesAll(runner.tags, jobTags) : runner.runUntagged;
}

/**
 * The routing table: for each runner's tag set, and for each tag set two runners share, the runners a job tagged
 * with (some of) those tags may land on; plus untagged jobs. Sorted, so it reads the same on every run.
 */
export function jobRoutes(cluster: ResolvedCluster): JobRoute[] {
  const runners = activeRunners(cluster);
  const sets = new Map<string, string[]>();
  const add = (tags: readonly string[]) => {
    if (!tags.length) return;
    const sorted = [...new Set(tags)].sort();
    sets.set(sorted.join(','), sorted);
  };
  for (const a of runners) {
    add(a.tags);
    for (const b of runners) if (a !== b) add(a.tags.filter((t) => b.tags.includes(t)));
  }
  const routes: JobRoute[] = [...sets.values()]
    .sort((x, y) => (x.join(',') < y.join(',') ? -1 : 1))
    .map((tags) => ({ tags, untagged: false, runners: runners.filter((r) => takesJob(r, tags)).map((r) => r.name) }));
  routes.push({ tags: [], untagged: true, runners: runners.filter((r) => r.runUntagged).map((r) => r.name) });
  return routes;
}

/**
 * Runners that would take another runner's jobs without saying so: tags that include all of another runner's, or
 * two runners that both run untagged jobs. Each problem names the runner, the other runner and the way out.
 */
export function checkJobRouting(cluster: ResolvedCluster): DefinitionProblem[] {
  const problems: DefinitionProblem[] = [];
  const index = new Map(cluster.runners.map((r, i) => [r.name, i]));
  cluster.runners.forEach((runner, i) => {
    for (const other of runner.sharesJobsWith) {
      if (other === runner.name || !index.has(other)) {
        problems.push({
          path: `runners[${i}].sharesJobsWith`,
          message: `"${other}" is not another runner of this cluster; runners: ${cluster.runners.map((r) => `"${r.name}"`).join(', ')}`,
        });
      }
    }
    if (!runner.tags.length && !runner.runUntagged) {
      problems.push({
        path: `runners[${i}].tags`,
        message: 'the runner has no tags (archTag is false) and does not run untagged jobs, so it would never get a job; give it a tag',
      });
    }
  });

  const runners = activeRunners(cluster);
  for (const taker of runners) {
    const at = `runners[${index.get(taker.name)}]`;
    for (const other of runners) {
      if (other === taker || taker.sharesJobsWith.includes(other.name)) continue;
      if (other.tags.length && includesAll(taker.tags, other.tags)) {
        problems.push({
          path: `${at}.tags`,
          message:
            `runner "${taker.name}" has every tag of runner "${other.name}" (${other.tags.join(', ')}), so GitLab may give it any job meant ` +
            `for "${other.name}"; give it a distinct tag of its own (and archTag: false), or list "${other.name}" in sharesJobsWith ` +
            'if it is meant to take those jobs',
        });
      } else if (
        taker.runUntagged &&
        other.runUntagged &&
        index.get(other.name)! < index.get(taker.name)! &&
        !other.sharesJobsWith.includes(taker.name)
      ) {
        problems.push({
          path: `${at}.runUntagged`,
          message:
            `runners "${other.name}" and "${taker.name}" both run untagged jobs, so either may get them; let one of them run untagged ` +
            `jobs, or list "${other.name}" in sharesJobsWith`,
        });
      }
    }
  }
  return problems;
}
