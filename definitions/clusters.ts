/**
 * Every cluster this repository renders. Add a cluster: write definitions/<name>.ts and list it here.
 * This module holds the definitions as written; index.ts resolves them.
 */
import type { ClusterDefinition } from '../lib/model/definition';
import { production } from './production';
import { staging } from './staging';

export const definitions: readonly ClusterDefinition[] = [staging, production];
