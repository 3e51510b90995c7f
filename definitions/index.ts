/** The fleet: every cluster definition, validated and resolved. Importing this throws if a definition is invalid. */
import { resolveFleet } from '../lib/model/fleet';
import { definitions } from './clusters';

export { definitions };
export const fleet = resolveFleet(definitions);
