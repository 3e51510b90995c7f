/**
 * The images step of test:e2e: runs .ci/e2e/images/build.sh (runner, helper and job images in a loopback
 * registry; the runner image trusting the GitLab stand-in's per-run CA) and keeps its registry up for the run.
 * build.sh writes the containerd hosts directories: HOSTS/<registry host>/ resolves to the multi-arch indexes (the
 * amd64 nodes, whose containerd runs on its own platform), HOSTS/arm64/<registry host>/ to arm64-only copies (the
 * emulated arm64 nodes: containerd 1.6 always takes the host's platform from an index).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { sleep } from './kube';

export interface Images {
  /** KEY=value facts build.sh printed (E2E_RUNNER_MODULE, E2E_RUNNER_COMMIT, …). */
  readonly facts: Readonly<Record<string, string>>;
  readonly seconds: number;
  stop(): Promise<void>;
}

function parseEnv(text: string): Record<string, string> {
  const facts: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const match = /^([A-Z0-9_]+)=(.*)$/.exec(line);
    // build.sh quotes with printf %q; the values we read have no spaces other than in lists, written as 'a b'.
    if (match) facts[match[1]!] = match[2]!.replace(/^'(.*)'$/, '$1').replace(/\\(.)/g, '$1');
  }
  return facts;
}

async function stopChild(child: ChildProcess | undefined): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await Promise.race([exited, sleep(10_000)]);
  if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
}

export async function startImages(options: { root: string; work: string; dist: string; caFile: string; hostsDir: string; timeoutSeconds: number }): Promise<Images> {
  const started = Date.now();
  const dir = join(options.work, 'images');
  mkdirSync(dir, { recursive: true });
  const envFile = join(dir, 'images.env');
  const logFile = openSync(join(options.work, 'state', 'logs', 'images.log'), 'a');
  const script = join(options.root, '.ci/e2e/images/build.sh');
  const child = spawn(script, ['--dist', options.dist, '--ca-file', options.caFile, '--hosts-dir', options.hostsDir, '--env-file', envFile, '--serve'], {
    stdio: ['ignore', logFile, logFile],
  });
  let spawnError: Error | undefined;
  child.on('error', (error) => (spawnError = error));
  // Recorded for cluster.sh down, which stops them even if this process dies.
  writeFileSync(join(options.work, 'state', 'pids', 'images-build'), `${child.pid}\n`);
  const stop = () => stopChild(child);
  try {
    const deadline = Date.now() + options.timeoutSeconds * 1000;
    while (!existsSync(envFile)) {
      if (spawnError) throw new Error(`cannot run ${script}: ${spawnError.message}`);
      if (child.exitCode !== null) throw new Error(`${script} exited with ${child.exitCode} before it was ready; see state/logs/images.log`);
      if (Date.now() > deadline) throw new Error(`${script} not ready within ${options.timeoutSeconds}s; see state/logs/images.log`);
      await sleep(500);
    }
    const facts = parseEnv(readFileSync(envFile, 'utf8'));
    // The registry outlives build.sh if build.sh is killed hard: cluster.sh down stops it too.
    if (facts.E2E_REGISTRY_PID) writeFileSync(join(options.work, 'state', 'pids', 'images-registry'), `${facts.E2E_REGISTRY_PID}\n`);
    return { facts, seconds: (Date.now() - started) / 1000, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
