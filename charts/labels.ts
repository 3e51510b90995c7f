/** Labels every object of the fleet carries: stable, no versions or hashes, so selectors never change. */
export const PART_OF = 'gitlab-runner-fleet';

export function fleetLabels(name: string, component: string): Record<string, string> {
  return {
    'app.kubernetes.io/name': name,
    'app.kubernetes.io/component': component,
    'app.kubernetes.io/part-of': PART_OF,
    'app.kubernetes.io/managed-by': 'cdk8s',
  };
}
