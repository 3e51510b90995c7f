/**
 * The manifests a synth compares its render with before it replaces them: the working tree (what a person just
 * rendered) or a git revision's committed dist/ (what is deployed: in CI, the target branch). Comparing with the
 * working tree alone lets one commit retire and remove a runner at once, since the retiring render never reached a
 * cluster; comparing with the deployed revision does not.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { UserInputError } from '../model/errors';

/** A set of committed manifests: repository-relative paths under dist/ and their text. */
export interface CommittedTree {
  /** How messages name it, for example "the working tree" or "revision 1a2b3c4d". */
  readonly label: string;
  /** Every file under dist/, repository-relative ("dist/<cluster>/…"), sorted. */
  distFiles(): string[];
  /** The text of one of those files. */
  read(path: string): string;
}

/** The files under `root`/dist as they are on disk. */
export function workingTree(root: string): CommittedTree {
  return {
    label: 'the working tree',
    distFiles() {
      const out: string[] = [];
      const walk = (dir: string) => {
        if (!existsSync(dir)) return;
        for (const entry of readdirSync(dir, { withFileTypes: true })) {
          if (entry.isDirectory()) walk(join(dir, entry.name));
          else out.push(relative(root, join(dir, entry.name)).split(sep).join('/'));
        }
      };
      walk(join(root, 'dist'));
      return out.sort();
    },
    read: (path) => readFileSync(join(root, path), 'utf8'),
  };
}

function git(root: string, args: readonly string[]): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync('git', ['-C', root, ...args], { encoding: 'utf8', maxBuffer: 1 << 30 });
  if (result.error) throw new UserInputError(`git ${args[0]} could not run: ${result.error.message}`);
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/**
 * dist/ as committed at git revision `revision` of the repository at `root`. Throws a UserInputError naming the
 * revision when git does not have it (a shallow clone: fetch it, or clone with GIT_DEPTH 0).
 */
export function gitRevision(root: string, revision: string): CommittedTree {
  const resolved = git(root, ['rev-parse', '--verify', '--quiet', '--end-of-options', `${revision}^{commit}`]);
  const commit = resolved.stdout.trim();
  if (resolved.status !== 0 || !commit) {
    throw new UserInputError(
      `removal base "${revision}" is not a commit in ${root}: fetch it first (a shallow clone lacks it; in GitLab CI set GIT_DEPTH: "0")`,
    );
  }
  return {
    label: `revision ${commit.slice(0, 8)}`,
    distFiles() {
      const listed = git(root, ['ls-tree', '-r', '-z', '--name-only', commit, '--', 'dist/']);
      if (listed.status !== 0) throw new UserInputError(`git ls-tree ${commit} failed: ${listed.stderr.trim()}`);
      return listed.stdout.split('\0').filter(Boolean).sort();
    },
    read(path) {
      const shown = git(root, ['show', `${commit}:${path}`]);
      if (shown.status !== 0) throw new UserInputError(`git show ${commit}:${path} failed: ${shown.stderr.trim()}`);
      return shown.stdout;
    },
  };
}
