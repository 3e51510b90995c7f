/**
 * A throwaway git repository holding this project's committed sources, for tests and the benchmark that need
 * real history: commit, edit a definition or a library, commit again, diff. node_modules is linked, not copied.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { git } from './revisions';

const IDENTITY = ['-c', 'user.name=review-tests', '-c', 'user.email=review-tests@example.invalid', '-c', 'commit.gpgsign=false'];

export interface ScratchRepo {
  readonly dir: string;
  /** Replaces `from` with `to` in a file (once); throws when `from` is not there. */
  edit(file: string, from: string | RegExp, to: string): void;
  /** Commits every change; returns the commit. */
  commit(message: string): string;
  remove(): void;
}

/** A repository with the sources of `source`'s HEAD, committed once. */
export function createScratchRepo(source: string): ScratchRepo {
  const dir = mkdtempSync(join(tmpdir(), 'review-repo-'));
  const archive = git(source, ['archive', '--format=tar', 'HEAD']);
  const unpack = spawnSync('tar', ['-x', '-C', dir], { input: archive });
  if (unpack.status !== 0) throw new Error(`tar failed: ${unpack.stderr.toString()}`);
  symlinkSync(join(source, 'node_modules'), join(dir, 'node_modules'), 'dir');
  git(dir, ['init', '--quiet', '--initial-branch=main']);
  const repo: ScratchRepo = {
    dir,
    edit(file, from, to) {
      const path = join(dir, file);
      const before = readFileSync(path, 'utf8');
      const after = before.replace(from, to);
      if (after === before) throw new Error(`${file} does not contain ${String(from)}`);
      writeFileSync(path, after);
    },
    commit(message) {
      git(dir, ['add', '--all', '--', '.', ':!node_modules']);
      git(dir, [...IDENTITY, 'commit', '--quiet', '--allow-empty', '-m', message]);
      return git(dir, ['rev-parse', 'HEAD']).toString().trim();
    },
    remove() {
      rmSync(dir, { recursive: true, force: true });
    },
  };
  repo.commit('sources');
  return repo;
}
