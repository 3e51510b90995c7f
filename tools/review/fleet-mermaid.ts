/**
 * The shape of a cluster as a Mermaid flowchart GitLab renders in merge requests and wikis: runners → their job
 * pools → the capacity types and instance families each pool may launch. The text is deterministic, so two
 * revisions have the same picture exactly when the fleet's shape is the same (manifests:diff compares them).
 */
import type { ResolvedCluster } from '../../lib/model/resolve';

function id(kind: string, name: string): string {
  return `${kind}_${name.replace(/[^A-Za-z0-9]/g, '_')}`;
}

/** Mermaid labels are quoted; a quote inside one is written as its HTML entity. */
function label(text: string): string {
  return `"${text.replace(/"/g, '#quot;')}"`;
}

/** The flowchart of one cluster (Mermaid source, without the code fence). */
export function fleetMermaid(cluster: ResolvedCluster): string {
  const lines = ['flowchart LR', `  subgraph ${id('cluster', cluster.name)}[${label(`${cluster.name} (${cluster.region})`)}]`];
  const shared = new Set<string>();
  for (const runner of cluster.runners) {
    const pool = runner.jobPool;
    const runnerId = id('runner', `${cluster.name}_${runner.name}`);
    const poolId = id('pool', `${cluster.name}_${pool.name}`);
    const slots = runner.retiring ? 'retiring' : `${runner.concurrent} × ${runner.replicas} jobs`;
    lines.push(`    ${runnerId}[${label(`runner ${runner.name}<br/>${runner.arch} · ${slots}<br/>tags: ${runner.tags.join(', ')}`)}]`);
    lines.push(`    ${runnerId} --> ${poolId}[${label(`pool ${pool.name}<br/>${pool.minInstanceCpu}–${pool.maxInstanceCpu} vCPU nodes, limit ${pool.cpuLimit} vCPU`)}]`);
    for (const capacity of pool.capacityTypes) {
      const capacityId = id('capacity', `${cluster.name}_${capacity}`);
      lines.push(`    ${poolId} --> ${capacityId}${shared.has(capacityId) ? '' : `([${label(capacity)}])`}`);
      shared.add(capacityId);
    }
    const families = pool.instanceFamilies.length
      ? pool.instanceFamilies.join(', ')
      : `${pool.instanceCategories.join(', ')} families, generation ≥ ${pool.minInstanceGeneration}`;
    const familiesId = id('instances', `${cluster.name}_${runner.arch}_${families}`);
    lines.push(`    ${poolId} --> ${familiesId}${shared.has(familiesId) ? '' : `[/${label(`${runner.arch}: ${families}`)}/]`}`);
    shared.add(familiesId);
  }
  lines.push('  end');
  return `${lines.join('\n')}\n`;
}

/** Every cluster's picture as Markdown: a heading and a mermaid code block each. */
export function fleetMermaidMarkdown(fleet: readonly ResolvedCluster[]): string {
  return fleet.map((cluster) => `#### ${cluster.name}: runners, pools, capacity\n\n\`\`\`mermaid\n${fleetMermaid(cluster)}\`\`\`\n`).join('\n');
}

/**
 * The shape alone, one line per path runner → pool → capacity type or instance families, without the numbers
 * (concurrency, limits): equal for two revisions exactly when their pictures show the same structure.
 */
export function fleetShape(fleet: readonly ResolvedCluster[]): string {
  const paths = fleet.flatMap((cluster) =>
    cluster.runners.flatMap((runner) => {
      const pool = runner.jobPool;
      const families = pool.instanceFamilies.length ? pool.instanceFamilies.join(',') : `${pool.instanceCategories.join(',')}>=${pool.minInstanceGeneration}`;
      const head = `${cluster.name}: runner ${runner.name} (${runner.arch}${runner.retiring ? ', retiring' : ''}) -> pool ${pool.name}`;
      return [...pool.capacityTypes.map((c) => `${head} -> ${c}`), `${head} -> ${families}`];
    }),
  );
  return `${[...paths].sort().join('\n')}\n`;
}
