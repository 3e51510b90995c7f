/**
 * A real AWS emulator for tests: moto in server mode, on loopback, on a free port, one process per test file.
 * Installed by ensure.sh (pinned, cached). Tests point the AWS SDK at `endpoint` with throwaway credentials.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { join } from 'node:path';

export interface Moto {
  /** For example "http://127.0.0.1:41234". */
  readonly endpoint: string;
  /** Environment for an AWS SDK client or CLI: the endpoint and fake credentials (nothing reaches AWS). */
  readonly env: Record<string, string>;
  stop(): Promise<void>;
}

export async function startMoto(): Promise<Moto> {
  const server = execFileSync(join(__dirname, 'ensure.sh'), { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] }).trim();
  const child: ChildProcess = spawn(server, ['-H', '127.0.0.1', '-p', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
  const endpoint = await new Promise<string>((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => reject(new Error(`moto_server did not start within 30 s:\n${output}`)), 30_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = output.match(/Running on (http:\/\/127\.0\.0\.1:\d+)/);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`moto_server exited with ${code}:\n${output}`));
    });
  });
  return {
    endpoint,
    env: {
      AWS_ENDPOINT_URL_SECRETS_MANAGER: endpoint,
      AWS_ACCESS_KEY_ID: 'testing',
      AWS_SECRET_ACCESS_KEY: 'testing',
      AWS_REGION: 'eu-central-1',
    },
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}
