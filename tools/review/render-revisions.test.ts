/**
 * Rendering revisions on real git history: all of them in one child process gives what each gives alone, a
 * revision runs as its own main module and may work asynchronously or call process.exit, commits come back from
 * the render cache and the working tree never does.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderRevisions, type RenderedRevision } from './render-revisions';
import { resolveRevision, WORKING_TREE, type Revision } from './revisions';
import { createScratchRepo, type ScratchRepo } from './scratch-repo';

jest.setTimeout(120_000);

let repo: ScratchRepo;
let base: Revision;
let head: Revision;
let alone: RenderedRevision[];

beforeAll(async () => {
  repo = createScratchRepo(join(__dirname, '..', '..'));
  base = resolveRevision(repo.dir, repo.commit('base'));
  repo.edit('definitions/staging.ts', "arch: 'amd64',", "arch: 'amd64',\n      name: 'build',");
  head = resolveRevision(repo.dir, repo.commit('rename the staging amd64 runner'));
  alone = await renderRevisions(repo.dir, [base, head], { cache: false, separate: true });
});
afterAll(() => repo?.remove());

describe('renderRevisions', () => {
  it('renders every revision in one child exactly as each renders in a process of its own', async () => {
    expect(alone.map((r) => r.files.size)).toEqual([expect.any(Number), expect.any(Number)]);
    expect(alone[0].files.size).toBeGreaterThan(50);
    expect(alone[0].files).not.toEqual(alone[1].files);
    const together = await renderRevisions(repo.dir, [base, head], { cache: false });
    expect(together.map((r) => r.files)).toEqual(alone.map((r) => r.files));
    expect(alone.map((r) => r.via)).toEqual(['alone', 'alone']);
    expect(together.map((r) => r.via)).toEqual(['shared', 'shared']);
  });

  it('runs each revision as its own main module, after the asynchronous work of the one before, and copes with process.exit', async () => {
    const main = join(repo.dir, 'main.ts');
    const source = readFileSync(main, 'utf8');
    const call = source.slice(source.indexOf('runSynth({'), source.lastIndexOf('});') + 2);
    expect(call).toMatch(/^runSynth\(\{[^]*\}\)$/);
    writeFileSync(main, source.replace(`process.exitCode = ${call};`, `if (require.main === module) setTimeout(() => (process.exitCode = ${call}), 50);`));
    const later = resolveRevision(repo.dir, repo.commit('render asynchronously, only as the main module'));
    writeFileSync(main, source.replace(`process.exitCode = ${call};`, `runSynth(${call.slice('runSynth('.length, -1)});\nprocess.exit(0);`));
    const exits = resolveRevision(repo.dir, repo.commit('exit explicitly'));
    writeFileSync(main, source);
    repo.commit('back');
    const rendered = await renderRevisions(repo.dir, [later, exits, base], { cache: false });
    expect(rendered.map((r) => r.files)).toEqual([alone[1].files, alone[1].files, alone[0].files]);
    // process.exit ends the shared child: that revision and the next are rendered alone.
    expect(rendered.map((r) => r.via)).toEqual(['shared', 'alone', 'alone']);
  });

  it('reads a commit back from the render cache, renders the working tree every time, and a commit given twice once', async () => {
    const first = await renderRevisions(repo.dir, [head, WORKING_TREE, head]);
    const second = await renderRevisions(repo.dir, [head, WORKING_TREE]);
    expect(second.map((r) => r.via)).toEqual(['cache', 'shared']);
    expect(second[0].files).toEqual(alone[1].files);
    expect(second[1].files).toEqual(first[1].files);
    expect(first[2]).toBe(first[0]);
    const off = await renderRevisions(repo.dir, [head], { cache: false });
    expect(off[0].via).toBe('shared');
  });
});
