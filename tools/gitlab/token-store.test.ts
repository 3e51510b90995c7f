/** Token destinations against a real AWS emulator (moto, server mode) and the file system. */
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateSecretCommand, GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { type Moto, startMoto } from '../../.ci/moto/moto';
import type { DesiredRunner } from './desired';
import { checkTokenDir, makeTokenStore, TokenStoreError } from './token-store';

jest.setTimeout(120_000);

let moto: Moto;
let dir: string;
beforeAll(async () => {
  moto = await startMoto();
  dir = mkdtempSync(join(tmpdir(), 'token-store-'));
});
afterAll(async () => {
  await moto?.stop();
  rmSync(dir, { recursive: true, force: true });
});

const client = (endpoint = moto.endpoint) => new SecretsManagerClient({ region: 'eu-central-1', endpoint, credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' } });
/** A token-shaped value made at run time (nothing token-like is tracked in git). */
const fakeToken = (n: number) => `glrt-${'t'.repeat(20)}${n}`;
const runner = (token: DesiredRunner['token'], key = 'prod/amd64'): DesiredRunner => ({
  key, cluster: key.split('/')[0], runner: key.split('/')[1], gitlabUrl: 'https://gitlab.example', scope: { type: 'instance' },
  settings: { description: '', maintenance_note: '', tag_list: ['amd64'], run_untagged: false, locked: false, paused: false, access_level: 'not_protected', maximum_timeout: 3600 },
  token, manager: { namespace: 'gitlab-runner', name: `gitlab-runner-${key.split('/')[1]}` },
});
const aws = (secretId: string, property?: string): DesiredRunner['token'] => ({ kind: 'aws-secrets-manager', region: 'eu-central-1', secretId, ...(property ? { property } : {}) });
const read = async (secretId: string) => (await client().send(new GetSecretValueCommand({ SecretId: secretId }))).SecretString;

describe('AWS Secrets Manager (moto)', () => {
  const store = () => makeTokenStore({ secretsManager: () => client(), repositoryRoot: '/nonexistent-repo' });

  test('creates a missing secret: the token itself, or a JSON object with the property', async () => {
    await store().store(runner(aws('fleet/plain')), fakeToken(1));
    await store().store(runner(aws('fleet/json', 'token')), fakeToken(2));
    expect(await read('fleet/plain')).toBe(fakeToken(1));
    expect(JSON.parse((await read('fleet/json'))!)).toEqual({ token: fakeToken(2) });
  });

  test('writes a new version of an existing secret, keeping the other properties of its JSON object', async () => {
    await client().send(new CreateSecretCommand({ Name: 'fleet/shared', SecretString: JSON.stringify({ note: 'kept', token: 'old' }) }));
    await store().store(runner(aws('fleet/shared', 'token')), fakeToken(3));
    expect(JSON.parse((await read('fleet/shared'))!)).toEqual({ note: 'kept', token: fakeToken(3) });
    await client().send(new CreateSecretCommand({ Name: 'fleet/was-plain', SecretString: 'not json' }));
    await store().store(runner(aws('fleet/was-plain', 'token')), fakeToken(4));
    expect(JSON.parse((await read('fleet/was-plain'))!)).toEqual({ token: fakeToken(4) });
  });

  test('a failed write names the secret and the cause, never the token', async () => {
    const broken = makeTokenStore({ secretsManager: () => client('http://127.0.0.1:9'), repositoryRoot: '/nonexistent-repo' });
    const error = await broken.store(runner(aws('fleet/unreachable', 'token')), fakeToken(5)).catch((e: Error) => e);
    expect(error).toBeInstanceOf(TokenStoreError);
    expect((error as Error).message).toMatch(/^could not write the AWS Secrets Manager secret fleet\/unreachable \(JSON property token\) in eu-central-1: /);
    expect((error as Error).message).not.toContain(fakeToken(5));
  });

  test('needs no token folder, and after a rotation says to name the new token revision (docs/lifecycle.md)', () => {
    expect(store().unavailable(runner(aws('fleet/x')))).toBeUndefined();
    expect(store().afterRotation(runner(aws('fleet/x')))).toMatch(/^roll the managers onto the new token: set tokenRevision: '\d{4}-\d{2}-\d{2}' on runner amd64 of cluster prod in definitions\/, npm run synth, merge/);
  });
});

describe('existing-secret: a file outside the repository and a kubectl command', () => {
  const secret: DesiredRunner['token'] = { kind: 'existing-secret', namespace: 'gitlab-runner', secretName: 'gitlab-runner-amd64-token', key: 'token' };

  test('without a token folder the runner waits, and says why', () => {
    expect(makeTokenStore({ repositoryRoot: '/nonexistent-repo' }).unavailable(runner(secret, 'staging/amd64'))).toMatch(/--token-dir/);
  });

  test.each(['.', 'tokens', 'a/b/../c'])('refuses the token folder %j inside the repository', (inside) => {
    expect(() => checkTokenDir(join(dir, 'repo', inside), join(dir, 'repo'))).toThrow(/is inside the repository/);
  });

  test('accepts folders beside the repository, even with a name that starts like it', () => {
    expect(checkTokenDir(join(dir, 'repo-tokens'), join(dir, 'repo'))).toBe(join(dir, 'repo-tokens'));
    expect(checkTokenDir(join(dir, 'elsewhere'), join(dir, 'repo'))).toBe(join(dir, 'elsewhere'));
  });

  test('writes the token to a file only its owner reads; the command reads the file and never holds the value', async () => {
    const folder = join(dir, 'tokens');
    const stored = await makeTokenStore({ tokenDir: folder, repositoryRoot: join(dir, 'repo') }).store(runner(secret, 'staging/amd64'), fakeToken(6));
    const file = join(folder, 'staging-amd64.token');
    expect(readFileSync(file, 'utf8')).toBe(fakeToken(6));
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(statSync(folder).mode & 0o777).toBe(0o700);
    expect(stored.followUp).toContain(`kubectl --namespace gitlab-runner create secret generic gitlab-runner-amd64-token --from-file=token=${file} --dry-run=client --output=yaml | kubectl apply --filename=- && rm -f ${file}`);
    expect(stored.followUp).not.toContain(fakeToken(6));
  });
});
