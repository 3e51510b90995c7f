/**
 * Definitions that render and work, but carry a hazard a team should choose knowingly. The synth prints these and
 * still writes; nothing here fails a build.
 */
import { parseDuration } from './duration';
import type { ResolvedCluster } from './resolved';
import type { DefinitionProblem } from './schema';

/**
 * Longest job timeout that runs on spot-only capacity without a warning: one hour, GitLab's default maximum job
 * timeout and ours. A runner allowing longer jobs exists for long jobs, and those lose the most to a spot
 * interruption: EC2 gives two minutes' notice, `karpenter.sh/do-not-disrupt` does not hold it back, and the job
 * starts again from nothing, so the work lost per interruption grows with the job's length, and so does the chance
 * that one hits it.
 */
export const SPOT_JOB_TIMEOUT_WARNING_SECONDS = 3600;

/** Warnings for one resolved cluster, each at the runner's field, naming the choices. */
export function definitionWarnings(cluster: ResolvedCluster): DefinitionProblem[] {
  const warnings: DefinitionProblem[] = [];
  cluster.runners.forEach((runner, index) => {
    const pool = runner.jobPool;
    const spotOnly = pool.capacityTypes.length === 1 && pool.capacityTypes[0] === 'spot';
    if (spotOnly && runner.jobTimeoutSeconds > SPOT_JOB_TIMEOUT_WARNING_SECONDS) {
      warnings.push({
        path: `runners[${index}].jobTimeout`,
        message:
          `runner "${runner.name}" allows ${runner.jobTimeout} jobs on spot-only capacity. A spot interruption (two minutes' ` +
          'notice, not held back by do-not-disrupt) kills a running job, which then starts again from nothing. For long jobs ' +
          'prefer nodePool.capacityTypes ["on-demand"] (or a separate on-demand runner for them); see docs/lifecycle.md, ' +
          '"Long jobs, spot and node expiry".',
      });
    }
    if (/^0%?$/.test(pool.disruptionBudget)) {
      warnings.push({
        path: `runners[${index}].nodePool.disruptionBudget`,
        message:
          `${JSON.stringify(pool.disruptionBudget)} lets Karpenter remove no node of pool ${pool.name} on its own: empty nodes are never ` +
          'consolidated (they run, and are paid for, until someone changes this) and drifted nodes are not replaced; ' +
          'only expireAfter still replaces nodes. Use a small budget such as "10%" (the default) or "1"',
      });
    }
    if (pool.expireAfter !== 'Never' && parseDuration(pool.expireAfter) < runner.jobTimeoutSeconds) {
      warnings.push({
        path: `runners[${index}].nodePool.expireAfter`,
        message:
          `${JSON.stringify(pool.expireAfter)} is shorter than the runner's jobTimeout ${runner.jobTimeout}: a node expires before a job of ` +
          'the longest allowed length can end on it, and an expiring node takes no new job, so the pool keeps replacing nodes ' +
          'while jobs wait. Make expireAfter longer than jobTimeout (the default is "168h")',
      });
    }
  });
  for (const arch of [...new Set(cluster.runners.map((r) => r.arch))].sort()) {
    const runners = cluster.runners.filter((r) => r.arch === arch);
    if (runners.every((r) => r.retiring)) {
      warnings.push({
        path: 'runners',
        message:
          `every ${arch} runner (${runners.map((r) => `"${r.name}"`).join(', ')}) is retiring: once their managers are gone no runner ` +
          `takes ${arch} jobs, which stay pending. Intended when the cluster stops running ${arch} jobs; otherwise add a new ${arch} ` +
          'runner before retiring the old one (docs/lifecycle.md)',
      });
    }
  }
  return warnings;
}
