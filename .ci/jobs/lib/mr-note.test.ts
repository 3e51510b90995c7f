import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A stand-in for GitLab's merge-request notes API on loopback, recording every request. */
interface Recorded {
  readonly method: string;
  readonly url: string;
  readonly token: string | undefined;
  readonly body: any;
}

let server: Server;
let base: string;
let notes: Array<{ id: number; body: string }>;
const requests: Recorded[] = [];
let dir: string;

const readBody = (request: IncomingMessage) =>
  new Promise<string>((resolve) => {
    let data = '';
    request.on('data', (chunk) => (data += chunk));
    request.on('end', () => resolve(data));
  });

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'mr-note-'));
  writeFileSync(join(dir, 'summary.md'), '| runner | arch |\n');
  writeFileSync(join(dir, 'diff.md'), '### Rendered manifests\n\nno changes\n');
  server = createServer(async (request, response) => {
    const body = await readBody(request);
    const parsed = body ? JSON.parse(body) : undefined;
    requests.push({ method: request.method!, url: request.url!, token: request.headers['private-token'] as string, body: parsed });
    const path = request.url!.split('?')[0];
    response.setHeader('Content-Type', 'application/json');
    if (path !== '/api/v4/projects/42/merge_requests/7/notes' && !path.startsWith('/api/v4/projects/42/merge_requests/7/notes/')) {
      response.statusCode = 404;
      return response.end('{"message":"404 Not found"}');
    }
    if (request.method === 'GET') return response.end(JSON.stringify(notes));
    if (request.method === 'POST') {
      const note = { id: notes.length + 100, body: parsed.body };
      notes.push(note);
      return response.end(JSON.stringify(note));
    }
    const id = Number(path.split('/').pop());
    const note = notes.find((n) => n.id === id)!;
    note.body = parsed.body;
    return response.end(JSON.stringify(note));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/v4`;
});
afterAll(() => {
  server.close();
  rmSync(dir, { recursive: true, force: true });
});
beforeEach(() => {
  notes = [{ id: 1, body: 'LGTM' }];
  requests.length = 0;
});

function post(env: Record<string, string> = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [join(__dirname, 'mr-note.mjs'), 'manifests-diff', join(dir, 'summary.md'), join(dir, 'diff.md')], {
      env: { PATH: process.env.PATH!, CI_API_V4_URL: base, CI_PROJECT_ID: '42', CI_MERGE_REQUEST_IID: '7', MANIFESTS_DIFF_NOTE_TOKEN: 'test-token', ...env },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

test('creates one note with the summary and the diff, marked so it can be found again', async () => {
  const result = await post();
  expect(result.stderr).toBe('');
  expect(result.stdout).toBe('created merge request note 101\n');
  expect(requests.map((r) => r.method)).toEqual(['GET', 'POST']);
  expect(requests.every((r) => r.token === 'test-token')).toBe(true);
  expect(notes[1].body).toBe('<!-- manifests-diff -->\n| runner | arch |\n\n### Rendered manifests\n\nno changes\n');
});

test('updates its own note in place on the next pipeline instead of adding another', async () => {
  notes.push({ id: 55, body: '<!-- manifests-diff -->\nold report' });
  const result = await post();
  expect(result.stdout).toBe('updated merge request note 55\n');
  expect(requests.map((r) => `${r.method} ${r.url.split('?')[0]}`)).toEqual([
    'GET /api/v4/projects/42/merge_requests/7/notes',
    'PUT /api/v4/projects/42/merge_requests/7/notes/55',
  ]);
  expect(notes).toHaveLength(2);
  expect(notes[1].body).toContain('no changes');
});

test('fails with the API\'s answer when GitLab refuses', async () => {
  const result = await post({ CI_MERGE_REQUEST_IID: '8' });
  expect(result.code).toBe(1);
  expect(result.stderr).toMatch(/could not write the merge request note: GET .* HTTP 404/);
});

test('refuses to run without its token', async () => {
  const result = await post({ MANIFESTS_DIFF_NOTE_TOKEN: '' });
  expect(result.code).toBe(2);
  expect(requests).toEqual([]);
});
