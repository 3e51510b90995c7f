import { staging } from '../../definitions/staging';
import { textReport } from './report-text';
import { reviewTrees } from './review';
import { renderTree } from './testing';

const base = renderTree([staging]);
const raised = renderTree([{ ...staging, runners: staging.runners.map((r) => (r.arch === 'amd64' ? { ...r, nodePool: { ...r.nodePool, cpuLimit: '64' } } : r)) }]);
const label = (l: string) => ({ label: l });

describe('textReport', () => {
  it('prints one line when nothing changed', () => {
    expect(textReport(reviewTrees(label('a'), base, label('b'), base))).toBe('no changes\n');
  });

  it('prints highlights first, then each cluster’s objects with their fields', () => {
    expect(textReport(reviewTrees(label('a'), base, label('b'), raised))).toBe(
      [
        'manifests a → b: 1 changed',
        '',
        'RISK HIGHLIGHTS (1)',
        '  ! limit raised: staging · NodePool gitlab-ci-jobs-amd64 · spec.limits.cpu',
        '      "32" → "64"',
        '',
        'staging: 1 changed',
        '  ~ NodePool gitlab-ci-jobs-amd64',
        '      spec.limits.cpu: "32" → "64"',
        '',
      ].join('\n'),
    );
  });

  it('colours only when asked', () => {
    expect(textReport(reviewTrees(label('a'), base, label('b'), raised), { color: true })).toContain('\x1b[31m');
  });
});
