import { diffCommand, parseDiffArguments } from './diff-cli';

describe('parseDiffArguments', () => {
  it('reads the format and one or two revisions', () => {
    expect(parseDiffArguments(['--format', 'markdown', 'abc', 'HEAD'])).toEqual({ format: 'markdown', base: 'abc', head: 'HEAD' });
    expect(parseDiffArguments(['--format=text', 'main'])).toEqual({ format: 'text', base: 'main' });
    expect(parseDiffArguments(['-h'])).toBe('help');
  });

  it('rejects what it does not understand, naming it', () => {
    expect(() => parseDiffArguments(['--format', 'html', 'a'])).toThrow('--format must be text or markdown, got "html"');
    expect(() => parseDiffArguments([])).toThrow('give a base revision');
    expect(() => parseDiffArguments(['', 'HEAD'])).toThrow('CI_MERGE_REQUEST_DIFF_BASE_SHA');
    expect(() => parseDiffArguments(['--color', 'a'])).toThrow('unknown option --color');
  });
});

describe('diffCommand', () => {
  it('exits 2 with the usage on bad arguments', async () => {
    const result = await diffCommand(['--format'], process.cwd());
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('usage: npm run -s diff');
  });
});
