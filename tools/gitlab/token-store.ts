/**
 * Where new and rotated runner tokens go, as the definition says: AWS Secrets Manager through the AWS SDK
 * (credentials and endpoint from the environment, as the AWS CLI finds them), or, for an existing-secret, a file
 * readable only by its owner, outside the repository, and a printed kubectl command that reads it (the value is
 * never echoed). Tokens never appear in messages.
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { isAbsolute, join, relative, resolve } from 'node:path';
import { CreateSecretCommand, GetSecretValueCommand, PutSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { redactTokens } from '../../lib/model/token-shapes';
import { type DesiredRunner, describeDestination, type TokenDestination } from './desired';

/** What was stored, and what a person must still run (kubectl), if anything. */
export interface StoredToken {
  readonly where: string;
  readonly followUp?: string;
}

/** Storing a token failed; the message names the destination and the cause, never the token. */
export class TokenStoreError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TokenStoreError';
  }
}

export interface TokenStore {
  /** Why a token for this runner cannot be stored now (checked before GitLab is changed), or undefined. */
  unavailable(runner: DesiredRunner): string | undefined;
  store(runner: DesiredRunner, token: string): Promise<StoredToken>;
  /** What to run so the managers use a rotated token. */
  afterRotation(runner: DesiredRunner): string;
}

const shellQuote = (text: string) => (/^[\w@%+=:,./-]+$/.test(text) ? text : `'${text.replace(/'/g, `'\\''`)}'`);

export interface TokenStoreOptions {
  /** Folder for existing-secret token files; outside the repository. Without it, existing-secret runners wait. */
  readonly tokenDir?: string;
  /** The repository, which token files must stay out of. @default - the git top level of the working directory */
  readonly repositoryRoot?: string;
  /** Builds the Secrets Manager client of a region. @default - the SDK's, from the environment */
  readonly secretsManager?: (region: string) => SecretsManagerClient;
}

function repositoryRoot(): string {
  try {
    return execFileSync('git', ['rev-parse', '--show-toplevel'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return process.cwd();
  }
}

/** Checks a token folder: absolute once resolved, and not inside the repository (nothing token-like is ever committed). */
export function checkTokenDir(dir: string, root: string): string {
  const absolute = resolve(dir);
  const inside = relative(resolve(root), absolute);
  if (inside === '' || (!inside.startsWith('..') && !isAbsolute(inside))) {
    throw new TokenStoreError(`--token-dir ${dir} is inside the repository (${root}); choose a folder outside it, for example ~/.config/runner-fleet/tokens`);
  }
  return absolute;
}

export function makeTokenStore(options: TokenStoreOptions = {}): TokenStore {
  const tokenDir = options.tokenDir === undefined ? undefined : checkTokenDir(options.tokenDir, options.repositoryRoot ?? repositoryRoot());
  const clients = new Map<string, SecretsManagerClient>();
  const client = (region: string) => {
    if (!clients.has(region)) clients.set(region, options.secretsManager?.(region) ?? new SecretsManagerClient({ region }));
    return clients.get(region)!;
  };

  const storeInAws = async (runner: DesiredRunner, destination: Extract<TokenDestination, { kind: 'aws-secrets-manager' }>, token: string): Promise<StoredToken> => {
    const sm = client(destination.region);
    const valueFor = (existing: string | undefined) => {
      if (!destination.property) return token;
      let object: Record<string, unknown> = {};
      try {
        const parsed = existing === undefined ? undefined : JSON.parse(existing);
        if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) object = parsed;
      } catch {
        // A secret that held a plain string becomes the JSON object the definition reads.
      }
      return JSON.stringify({ ...object, [destination.property]: token });
    };
    try {
      let existing: string | undefined;
      let exists = true;
      try {
        existing = (await sm.send(new GetSecretValueCommand({ SecretId: destination.secretId }))).SecretString;
      } catch (error) {
        if ((error as { name?: string }).name !== 'ResourceNotFoundException') throw error;
        exists = false;
      }
      if (exists) await sm.send(new PutSecretValueCommand({ SecretId: destination.secretId, SecretString: valueFor(existing) }));
      else await sm.send(new CreateSecretCommand({ Name: destination.secretId, SecretString: valueFor(undefined), Description: `GitLab runner authentication token of ${runner.key}, written by npm run gitlab:apply` }));
      return { where: describeDestination(destination) };
    } catch (error) {
      const name = (error as { name?: string }).name ?? 'Error';
      const message = redactTokens((error as Error).message ?? String(error)).split(token).join('[token]');
      throw new TokenStoreError(`could not write the ${describeDestination(destination)}: ${name}: ${message}`);
    }
  };

  const storeInFile = (runner: DesiredRunner, destination: Extract<TokenDestination, { kind: 'existing-secret' }>, token: string): StoredToken => {
    const file = join(tokenDir!, `${runner.cluster}-${runner.runner}.token`);
    try {
      mkdirSync(tokenDir!, { recursive: true, mode: 0o700 });
      writeFileSync(file, token, { mode: 0o600 });
      chmodSync(file, 0o600);
    } catch (error) {
      throw new TokenStoreError(`could not write the token file ${file}: ${(error as Error).message}`);
    }
    const command =
      `kubectl --namespace ${destination.namespace} create secret generic ${destination.secretName} --from-file=${destination.key}=${shellQuote(file)} --dry-run=client --output=yaml` +
      ` | kubectl apply --filename=- && rm -f ${shellQuote(file)}`;
    return { where: `${file} (mode 0600)`, followUp: `with kubectl pointed at cluster ${runner.cluster}, run:\n    ${command}` };
  };

  return {
    unavailable(runner) {
      if (runner.token.kind === 'existing-secret' && tokenDir === undefined) {
        return `its token goes to the ${describeDestination(runner.token)}: run from a workstation with --token-dir <folder outside the repository>`;
      }
      return undefined;
    },
    async store(runner, token) {
      return runner.token.kind === 'aws-secrets-manager' ? storeInAws(runner, runner.token, token) : storeInFile(runner, runner.token, token);
    },
    afterRotation(runner) {
      const revision = new Date().toISOString().slice(0, 10);
      const roll =
        `roll the managers onto the new token: set tokenRevision: '${revision}' on runner ${runner.runner} of cluster ${runner.cluster} in definitions/, ` +
        'npm run synth, merge (docs/lifecycle.md, "Rotate a runner token"). Until then the running managers keep the old token, which GitLab refuses for new jobs; running jobs finish.';
      return runner.token.kind === 'aws-secrets-manager' ? roll : `after the kubectl command above, ${roll}`;
    },
  };
}
