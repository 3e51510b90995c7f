import { resolveCluster } from '../../lib/model/resolve';
import { twoArchCluster } from '../../lib/model/testing';
import { fleetMermaid, fleetMermaidMarkdown, fleetShape } from './fleet-mermaid';

const cluster = resolveCluster(twoArchCluster());

test('each runner points at its pool, each pool at its capacity types and instance families', () => {
  const chart = fleetMermaid(cluster);
  expect(chart.startsWith('flowchart LR\n  subgraph cluster_test["test (eu-west-1)"]\n')).toBe(true);
  for (const runner of cluster.runners) {
    const pool = `pool_test_${runner.jobPool.name.replace(/-/g, '_')}`;
    expect(chart).toContain(`runner_test_${runner.name} --> ${pool}[`);
    for (const capacity of runner.jobPool.capacityTypes) expect(chart).toMatch(new RegExp(`${pool} --> capacity_test_${capacity.replace('-', '_')}\\b`));
    expect(chart).toMatch(new RegExp(`${pool} --> instances_test_${runner.arch}_`));
  }
  // A capacity type shared by two pools is one node, declared once.
  expect(chart.match(/capacity_test_spot\(\[/g)).toHaveLength(1);
});

test('the Markdown wraps each cluster in a mermaid code block GitLab renders', () => {
  expect(fleetMermaidMarkdown([cluster])).toBe(`#### test: runners, pools, capacity\n\n\`\`\`mermaid\n${fleetMermaid(cluster)}\`\`\`\n`);
});

test('the shape changes with structure (capacity types, families), not with numbers', () => {
  const shape = fleetShape([cluster]);
  const more = resolveCluster(twoArchCluster({ runners: twoArchCluster().runners.map((r) => ({ ...r, concurrent: 7 })) }));
  expect(fleetShape([more])).toBe(shape);
  const onDemand = resolveCluster(twoArchCluster({ runners: twoArchCluster().runners.map((r) => ({ ...r, nodePool: { capacityTypes: ['spot', 'on-demand'] } })) }));
  expect(fleetShape([onDemand])).not.toBe(shape);
  const families = resolveCluster(twoArchCluster({ runners: twoArchCluster().runners.map((r) => ({ ...r, nodePool: { instanceFamilies: r.arch === 'arm64' ? ['c7g', 'm7g'] : ['c7i', 'm7i'] } })) }));
  expect(fleetShape([families])).not.toBe(shape);
});
