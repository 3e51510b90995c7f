/**
 * Definitions that render and work, but carry a hazard a team should choose knowingly. The synth prints these and
 * still writes; nothing here fails a build.
 */
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
  });
  return warnings;
}
