/**
 * Chart version changed: a HelmRelease's chart version or chart source, or an OCIRepository's tag, semver range
 * or digest moving (a controller upgrade, its CRDs included); a signature verification removed.
 */
import { formatValue } from '../values';
import { comparableLeaves, headVersions, highlight, type Highlight, type RiskCheck } from './highlight';

const WATCHED: Readonly<Record<string, readonly string[]>> = {
  HelmRelease: ['spec.chart.spec.version', 'spec.chart.spec.chart', 'spec.chartRef.kind', 'spec.chartRef.name'],
  OCIRepository: ['spec.ref.tag', 'spec.ref.semver', 'spec.ref.digest', 'spec.url'],
  HelmChart: ['spec.version', 'spec.chart'],
};

export const chartVersionsChanged: RiskCheck = (context) => {
  const out: Highlight[] = [];
  for (const version of headVersions(context)) {
    const { head, base } = version;
    const fields = WATCHED[head.kind];
    if (!base || !fields || !head.group.endsWith('toolkit.fluxcd.io')) continue;
    const leaves = comparableLeaves(version);
    for (const field of fields) {
      const before = leaves.base.get(field)?.value;
      const after = leaves.head.get(field)?.value;
      if (before !== after) out.push(highlight('chart', head, field, `${formatValue(before ?? 'unset')} → ${formatValue(after ?? 'unset')}`));
    }
    const verifies = (leaves: ReadonlyMap<string, unknown>) => [...leaves.keys()].some((k) => k.startsWith('spec.verify') || k.startsWith('spec.chart.spec.verify'));
    if (verifies(leaves.base) && !verifies(leaves.head)) {
      out.push(highlight('chart', head, 'spec.verify', 'signature verification removed'));
    }
  }
  return out;
};
