/**
 * The c, m and r EC2 instance families that exist, as the pinned Karpenter knows them (instance-families.json,
 * generated from its instance type table by scripts/instance-families.mjs), so that a pool naming a family or a
 * generation that does not exist is refused rather than left unable to launch a node.
 */
import data from './instance-families.json';

/** Every c, m and r family, sorted ("c5", "c7g", "m7i-flex", …). */
export const INSTANCE_FAMILIES: readonly string[] = data.families;

/** Where the list comes from: the pinned Karpenter module and file. */
export const INSTANCE_FAMILIES_SOURCE: string = data.source;

/** The generation of a family name: 7 for "c7gn". */
export function generationOf(family: string): number {
  return Number(/^[a-z]+([0-9]+)/.exec(family)?.[1] ?? NaN);
}

/** The newest generation of any listed family: a `minInstanceGeneration` above it matches no instance. */
export const NEWEST_INSTANCE_GENERATION = Math.max(...INSTANCE_FAMILIES.map(generationOf));
