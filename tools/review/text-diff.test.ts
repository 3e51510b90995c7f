import { unifiedHunks } from './text-diff';

describe('unifiedHunks', () => {
  it('shows only the changed lines with one line of context', () => {
    const before = ['#!/bin/sh', 'a', 'b', 'c', 'd', 'e'].join('\n') + '\n';
    const after = ['#!/bin/sh', 'a', 'b', 'C', 'd', 'e'].join('\n') + '\n';
    expect(unifiedHunks(before, after)).toEqual(['@@ -3,3 +3,3 @@', ' b', '-c', '+C', ' d']);
  });

  it('is empty for equal texts and cuts long diffs short, saying how much was left out', () => {
    expect(unifiedHunks('x\n', 'x\n')).toEqual([]);
    const many = (p: string) => Array.from({ length: 30 }, (_, i) => `${p}${i}`).join('\n');
    const lines = unifiedHunks(many('a'), many('b'), 10);
    expect(lines).toHaveLength(11);
    expect(lines[10]).toBe('… 51 more diff lines');
  });
});
