import { staging } from '../../definitions/staging';
import { markdownReport } from './report-markdown';
import { reviewTrees } from './review';
import { renderTree } from './testing';

const base = renderTree([staging]);
const label = (l: string) => ({ label: l });

describe('markdownReport', () => {
  it('prints one line when nothing changed', () => {
    expect(markdownReport(reviewTrees(label('a'), base, label('b'), base))).toBe('no changes\n');
  });

  it('puts highlights in a table first, then a table per cluster and a collapsible diff per object', () => {
    const head = renderTree([{ ...staging, runners: staging.runners.map((r) => (r.arch === 'arm64' ? { ...r, concurrent: 8 } : r)) }]);
    const note = markdownReport(reviewTrees(label('a'), base, label('b'), head));
    const highlights = note.indexOf('Risk highlights');
    const table = note.indexOf('#### staging');
    expect(highlights).toBeGreaterThan(0);
    expect(table).toBeGreaterThan(highlights);
    expect(note).toContain('| limit raised | staging | `ConfigMap gitlab-runner/gitlab-runner-arm64` | `config.template.toml › concurrent` | 4 → 8 |');
    expect(note).toContain('| changed | ConfigMap | `gitlab-runner/gitlab-runner-arm64` |');
    expect(note).toContain('<details><summary>changed <code>ConfigMap gitlab-runner/gitlab-runner-arm64</code>');
    expect(note).toContain('- config.template.toml › concurrent: 4\n+ config.template.toml › concurrent: 8');
  });

  it('writes elements added to a long list one per line', () => {
    const head = new Map(base);
    const path = 'dist/staging/runners/runner-amd64/Role.gitlab-runner-amd64.yaml';
    head.set(path, base.get(path)!.replace('      - list\n      - watch', '      - list\n      - patch\n      - watch'));
    expect(markdownReport(reviewTrees(label('a'), base, label('b'), head))).toContain('```diff\n+ rules[pods].verbs: patch\n```');
  });

  it('shows an added object’s YAML and escapes table cells', () => {
    const head = new Map(base);
    head.set('dist/staging/runners/x/ConfigMap.a.yaml', 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a|b\n  namespace: n\ndata:\n  k: v\n');
    const note = markdownReport(reviewTrees(label('a'), base, label('b'), head));
    expect(note).toContain('| added | ConfigMap | `n/a\\|b` |');
    expect(note).toContain('```yaml\napiVersion: v1');
  });
});
