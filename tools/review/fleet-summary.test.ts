import { staging } from '../../definitions/staging';
import { resolveFleet } from '../../lib/model/fleet';
import { summarizeFleet, summaryMarkdown, summaryText } from './fleet-summary';

const tables = summarizeFleet(resolveFleet([staging]));

describe('summarizeFleet', () => {
  it('gives a row per runner with its concurrency, job sizes, capacity and the nodes its pool can launch', () => {
    expect(tables).toHaveLength(1);
    expect(tables[0].title).toMatch(/^staging \(eu-west-1\) · Kubernetes 1\.35 · AMI al2023@/);
    const [amd64] = tables[0].rows;
    expect(amd64).toEqual(['amd64', 'amd64', 'amd64, linux, staging', '4 × 1 = 4', '1 / 2Gi / 10Gi', '4 / 8Gi / 50Gi', 'spot', 'c, m, r (gen ≥ 6)', '2–16', '32 / 128Gi', '16']);
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
