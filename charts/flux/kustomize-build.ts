/**
 * Builds a folder the way Flux's kustomize-controller does: when the folder has no kustomization.yaml, Flux
 * generates one listing every manifest in it (recursing into subfolders; a subfolder with its own
 * kustomization.yaml is listed as a whole), then runs a kustomize build. The build runs `kubectl kustomize` when
 * kubectl is installed, otherwise the kustomize CLI pinned in lib/versions.json, built once from the Go module proxy
 * and cached under ${RUNNER_FLEET_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/runner-fleet}.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join, relative, sep } from 'node:path';
import versions from '../../lib/versions.json';

function cacheDir(): string {
  return process.env.RUNNER_FLEET_CACHE ?? join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'runner-fleet');
}

let command: string[] | undefined;

/** The kustomize build command: `kubectl kustomize`, or the pinned kustomize CLI (built on first use). */
export function kustomizeCommand(): string[] {
  if (command) return command;
  if (spawnSync('kubectl', ['kustomize', '--help'], { stdio: 'ignore' }).status === 0) {
    command = ['kubectl', 'kustomize'];
    return command;
  }
  const version = versions.kustomize;
  const bin = join(cacheDir(), 'bin', `kustomize-${version}`);
  const exe = join(bin, 'kustomize');
  if (!existsSync(exe)) {
    execFileSync('go', ['install', `sigs.k8s.io/kustomize/kustomize/v5@${version}`], {
      env: { ...process.env, GOBIN: bin, GOFLAGS: '-mod=mod' },
      stdio: ['ignore', 'ignore', 'inherit'],
    });
  }
  command = [exe, 'build'];
  return command;
}

/** The resources list Flux would generate for a folder without a kustomization.yaml (paths relative to it). */
export function generatedResources(dir: string): string[] {
  const out: string[] = [];
  const walk = (current: string) => {
    for (const entry of readdirSync(current, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const full = join(current, entry.name);
      if (entry.isDirectory()) {
        if (existsSync(join(full, 'kustomization.yaml'))) out.push(relative(dir, full).split(sep).join('/'));
        else walk(full);
      } else if (/\.ya?ml$/.test(entry.name)) {
        out.push(relative(dir, full).split(sep).join('/'));
      }
    }
  };
  walk(dir);
  return out;
}

/** Builds `dir` as Flux would; returns the multi-document YAML. Throws with kustomize's message on failure. */
export function fluxBuild(dir: string): string {
  const work = mkdtempSync(join(tmpdir(), 'flux-build-'));
  try {
    cpSync(dir, work, { recursive: true });
    if (!existsSync(join(work, 'kustomization.yaml'))) {
      const resources = generatedResources(work);
      writeFileSync(
        join(work, 'kustomization.yaml'),
        `apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n${resources.map((r) => `  - ${r}\n`).join('')}`,
      );
    }
    const [exe, ...args] = kustomizeCommand();
    const result = spawnSync(exe!, [...args, work], { encoding: 'utf8' });
    if (result.status !== 0) throw new Error(`kustomize build of ${dir} failed: ${result.stderr || result.error}`);
    return result.stdout;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
