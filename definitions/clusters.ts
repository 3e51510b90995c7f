/**
 * Every cluster this repository renders. Add a cluster: write definitions/<name>.ts and list it here. Remove one
 * only after its teardown (docs/lifecycle.md, "Tear down a cluster"), and then name it in `decommissioned`.
 * This module holds the definitions as written; index.ts resolves them.
 */
import type { ClusterDefinition } from '../lib/model/definition';
import { production } from './production';
import { staging } from './staging';

export const definitions: readonly ClusterDefinition[] = [staging, production];

/**
 * Clusters torn down whose generated files the synth may delete. Any other cluster whose dist/<name>/ disappears
 * (removed from the list above, or renamed) is refused: Flux would prune its runners and Karpenter in one pass.
 */
export const decommissioned: readonly string[] = [];
