import { staging } from '../../definitions/staging';
import { production } from '../../definitions/production';
import { resolveFleet } from '../../lib/model/fleet';
import { summarizeFleet, summaryMarkdown, summaryText } from './fleet-summary';

const tables = summarizeFleet(resolveFleet([staging]));

describe('summarizeFleet', () => {
  it('gives a row per runner with its concurrency, job sizes, capacity and the nodes its pool can launch', () => {
    expect(tables).toHaveLength(2);
    expect(tables[0].title).toMatch(/^staging \(eu-west-1\) · Kubernetes 1\.35 · AMI al2023@/);
    const [amd64] = tables[0].rows;
    expect(amd64).toEqual(['amd64', 'amd64', 'amd64, linux, staging', '4 × 1 = 4', '1 / 2Gi / 10Gi', '4 / 8Gi / 50Gi', 'spot', 'c, m, r (gen ≥ 6)', '2–16', '32 / 128Gi', '16']);
  });
});

describe('the routing table', () => {
  it('follows each cluster’s runner table and says where jobs land, by their tags', () => {
    const [, routing] = summarizeFleet(resolveFleet([production]));
    expect(routing!.title).toBe('production: job routing');
    expect(routing!.rows).toEqual([
      ['amd64, linux, production', 'amd64'],
      ['amd64-large', 'amd64-large'],
      ['arm64, linux, production', 'arm64'],
      ['linux, production', 'amd64, arm64'],
      ['(untagged)', 'none (the job stays pending)'],
    ]);
  });

  it('marks a retiring runner, which takes no jobs', () => {
    const retiring = { ...production, runners: production.runners.map((r) => (r.name === 'amd64-large' ? { ...r, retiring: true } : r)) };
    const [runners, routing] = summarizeFleet(resolveFleet([retiring]));
    expect(runners!.rows.map((r) => r[0])).toContain('amd64-large (retiring: no managers, takes no jobs)');
    expect(routing!.rows.map((r) => r[0])).not.toContain('amd64-large');
  });
});

describe('summary formats', () => {
  it('aligns text columns and writes Markdown tables', () => {
    const text = summaryText(tables).split('\n');
    expect(text[1].indexOf('arch')).toBe(text[3].indexOf('amd64', 6));
    const markdown = summaryMarkdown(tables);
    expect(markdown).toContain('| runner | arch | tags |');
    expect(markdown).toContain('| amd64 | amd64 | amd64, linux, staging | 4 × 1 = 4 |');
  });
});
