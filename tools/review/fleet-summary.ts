/**
 * The fleet at a glance, per cluster and runner: what it runs, how much at once, how big a job may be, and what
 * capacity backs it; then which runners GitLab may give a job to, by the job's tags. Computed from the resolved
 * definitions (no git, no rendering).
 */
import { maxNodes } from '../../lib/model/capacity';
import type { JobResources } from '../../lib/model/definition';
import type { ResolvedCluster } from '../../lib/model/resolve';
import { jobRoutes } from '../../lib/model/routing';

export interface SummaryTable {
  /** `staging (eu-west-1) · Kubernetes 1.35 · AMI al2023@v20260903`. */
  readonly title: string;
  readonly columns: readonly string[];
  readonly rows: ReadonlyArray<readonly string[]>;
}

export const SUMMARY_COLUMNS = [
  'runner',
  'arch',
  'tags',
  'concurrent × replicas',
  'job default (cpu/mem/disk)',
  'job maximum (cpu/mem/disk)',
  'capacity',
  'instances',
  'vCPU',
  'pool limit (cpu/mem)',
  'max nodes',
] as const;

function resources(r: JobResources): string {
  return `${r.cpu} / ${r.memory} / ${r.ephemeralStorage}`;
}

export const ROUTING_COLUMNS = ['job tags (all within)', 'may run on'] as const;

/**
 * Where jobs land: a job goes to any runner that has all of its tags, so each row is a set of tags and every runner
 * a job tagged with some of them may get. A row with two runners is a deliberate overlap (or a job without an
 * architecture tag); a row with none is a job that stays pending.
 */
export function routingTable(cluster: ResolvedCluster): SummaryTable {
  return {
    title: `${cluster.name}: job routing`,
    columns: ROUTING_COLUMNS,
    rows: jobRoutes(cluster).map((route) => [
      route.untagged ? '(untagged)' : route.tags.join(', '),
      route.runners.length ? route.runners.join(', ') : 'none (the job stays pending)',
    ]),
  };
}

/** The runner table of every cluster, each followed by its routing table. */
export function summarizeFleet(fleet: readonly ResolvedCluster[]): SummaryTable[] {
  return fleet.flatMap((cluster) => [runnerTable(cluster), routingTable(cluster)]);
}

function runnerTable(cluster: ResolvedCluster): SummaryTable {
  return {
    title: `${cluster.name} (${cluster.region}) · Kubernetes ${cluster.kubernetesVersion} · AMI ${cluster.nodeClass.amiAlias}`,
    columns: SUMMARY_COLUMNS,
    rows: cluster.runners.map((runner) => {
      const pool = runner.jobPool;
      const instances = pool.instanceFamilies.length ? pool.instanceFamilies.join(', ') : `${pool.instanceCategories.join(', ')} (gen ≥ ${pool.minInstanceGeneration})`;
      return [
        runner.retiring ? `${runner.name} (retiring: no managers, takes no jobs)` : runner.name,
        runner.arch,
        runner.tags.join(', '),
        `${runner.concurrent} × ${runner.replicas} = ${runner.concurrent * runner.replicas}`,
        resources(runner.jobDefaults),
        resources(runner.jobMaximum),
        pool.capacityTypes.join(', '),
        instances,
        `${pool.minInstanceCpu}–${pool.maxInstanceCpu}`,
        `${pool.cpuLimit} / ${pool.memoryLimit}`,
        String(maxNodes(pool)),
      ];
    }),
  };
}

/** Tables with aligned columns for a terminal. */
export function summaryText(tables: readonly SummaryTable[]): string {
  return tables
    .map((table) => {
      const widths = table.columns.map((c, i) => Math.max(c.length, ...table.rows.map((r) => r[i].length)));
      const line = (cells: readonly string[]) => cells.map((c, i) => c.padEnd(widths[i])).join('  ').trimEnd();
      return [table.title, line(table.columns), line(widths.map((w) => '-'.repeat(w))), ...table.rows.map(line)].join('\n');
    })
    .join('\n\n')
    .concat('\n');
}

/** Markdown tables, one per cluster, for the README and merge requests. */
export function summaryMarkdown(tables: readonly SummaryTable[]): string {
  const cell = (text: string) => text.replace(/\|/g, '\\|');
  return tables
    .map((table) =>
      [
        `#### ${table.title}`,
        '',
        `| ${table.columns.map(cell).join(' | ')} |`,
        `| ${table.columns.map(() => '---').join(' | ')} |`,
        ...table.rows.map((row) => `| ${row.map(cell).join(' | ')} |`),
      ].join('\n'),
    )
    .join('\n\n')
    .concat('\n');
}
