/**
 * How this repository knows which runners in GitLab are its own: a line `runner-fleet-key: <cluster>/<runner>` in
 * the runner's maintenance note, written when apply creates the runner and kept by every update.
 *
 * Why the maintenance note: it is GitLab's free-form field for administrators (GET/PUT /runners/:id), it does not
 * change which jobs a runner takes (tags would), it is not the description people read and edit in lists, and it
 * lives with the runner, so ownership survives a lost state file and needs no write-back to this repository from
 * CI. A runner without the line is never read further, changed or deleted; removing the line in GitLab disowns it.
 */
const MARKER = 'runner-fleet-key:';

/** The maintenance note of an owned runner. */
export function maintenanceNote(key: string): string {
  return `Managed by the runner-fleet repository (npm run gitlab:apply): changes made in GitLab are reverted.\n${MARKER} ${key}`;
}

/** The key recorded in a maintenance note, or undefined when the runner is not owned. */
export function ownerKey(note: string | null | undefined): string | undefined {
  const line = (note ?? '').split(/\r?\n/).find((l) => l.trim().startsWith(MARKER));
  const key = line?.trim().slice(MARKER.length).trim();
  return key && /^[a-z0-9-]+\/[a-z0-9-]+$/.test(key) ? key : undefined;
}
