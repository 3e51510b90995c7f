#!/usr/bin/env node
// Puts a Markdown report on the current merge request as one note, updated in place on every pipeline (found by a
// hidden marker), so reviewers read the rendered diff where they review. GitLab's job token cannot write notes:
// this needs a project access token (Reporter, scope `api`) in the masked CI/CD variable MANIFESTS_DIFF_NOTE_TOKEN.
// usage: node .ci/jobs/lib/mr-note.mjs <marker> <file>...   (files are joined with a blank line)
// env:   CI_API_V4_URL, CI_PROJECT_ID, CI_MERGE_REQUEST_IID, MANIFESTS_DIFF_NOTE_TOKEN
import { readFileSync } from 'node:fs';

const [marker, ...files] = process.argv.slice(2);
const { CI_API_V4_URL: api, CI_PROJECT_ID: project, CI_MERGE_REQUEST_IID: mr, MANIFESTS_DIFF_NOTE_TOKEN: token } = process.env;
if (!marker || !files.length || !api || !project || !mr || !token) {
  console.error('usage: mr-note.mjs <marker> <file>... with CI_API_V4_URL, CI_PROJECT_ID, CI_MERGE_REQUEST_IID, MANIFESTS_DIFF_NOTE_TOKEN set');
  process.exit(2);
}

/** GitLab refuses notes over 1,000,000 characters; keep well below and say so. */
const LIMIT = 900_000;
const hidden = `<!-- ${marker} -->`;
let body = `${hidden}\n${files.map((file) => readFileSync(file, 'utf8').trimEnd()).join('\n\n')}\n`;
if (body.length > LIMIT) body = `${body.slice(0, LIMIT)}\n\n… cut here: the whole report is in the job's artifacts.\n`;

const notes = `${api}/projects/${encodeURIComponent(project)}/merge_requests/${mr}/notes`;
const headers = { 'PRIVATE-TOKEN': token, 'Content-Type': 'application/json' };

async function call(method, url, payload) {
  const response = await fetch(url, { method, headers, ...(payload ? { body: JSON.stringify(payload) } : {}) });
  if (!response.ok) throw new Error(`${method} ${url.replace(api, '')}: HTTP ${response.status} ${await response.text()}`);
  return response.json();
}

try {
  const existing = [];
  for (let page = 1; page <= 20; page++) {
    const batch = await call('GET', `${notes}?per_page=100&page=${page}&sort=asc&order_by=created_at`);
    existing.push(...batch);
    if (batch.length < 100) break;
  }
  const mine = existing.find((note) => typeof note.body === 'string' && note.body.startsWith(hidden));
  const note = mine ? await call('PUT', `${notes}/${mine.id}`, { body }) : await call('POST', notes, { body });
  console.log(`${mine ? 'updated' : 'created'} merge request note ${note.id}`);
} catch (error) {
  console.error(`could not write the merge request note: ${error.message}`);
  process.exit(1);
}
