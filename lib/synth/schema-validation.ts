/**
 * The rendered custom resources that carry definition values (NodePool, EC2NodeClass, ExternalSecret), checked at
 * synth time against the OpenAPI schemas of the pinned upstream CRDs (patterns, bounds, enums, unknown fields),
 * compiled ahead of time into crd-validators.generated.js so that the synth needs neither the network nor seconds
 * of schema compilation. A failure names the definition field the rendered value came from, so the message reads
 * like every other definition problem; a failure no definition field explains is reported as a bug in the charts.
 * CEL rules stay the API server's (the cluster test runs a real one).
 */
import type { ResolvedCluster } from '../model/resolve';
import { showValue } from '../model/show-value';
import validators from './crd-validators.generated.js';
import type { ManifestObject, RenderedFile } from './render';

/** Where a rendered field comes from in the definition, or undefined when no definition field explains it. */
type FieldSource = (cluster: ResolvedCluster, object: ManifestObject, match: RegExpExecArray) => string | undefined;

const REQUIREMENT_FIELDS: Record<string, string> = {
  'karpenter.k8s.aws/instance-family': 'nodePool.instanceFamilies',
  'karpenter.k8s.aws/instance-category': 'nodePool.instanceCategories',
  'karpenter.k8s.aws/instance-generation': 'nodePool.minInstanceGeneration',
  'karpenter.k8s.aws/instance-cpu': 'nodePool.minInstanceCpu / nodePool.maxInstanceCpu',
  'karpenter.sh/capacity-type': 'nodePool.capacityTypes',
  'kubernetes.io/arch': 'arch',
};

function runnerOfPool(cluster: ResolvedCluster, object: ManifestObject): string | undefined {
  const index = cluster.runners.findIndex((r) => r.jobPool.name === object.metadata.name);
  return index < 0 ? undefined : `runners[${index}]`;
}

const poolField =
  (field: string): FieldSource =>
  (cluster, object) => {
    const runner = runnerOfPool(cluster, object);
    return runner ? `${runner}.${field}` : undefined;
  };

/** Rendered paths (JSON pointers) of each kind, and the definition field each comes from. */
const FIELD_SOURCES: Record<string, ReadonlyArray<readonly [RegExp, FieldSource]>> = {
  NodePool: [
    [/^\/spec\/limits\/cpu$/, poolField('nodePool.cpuLimit')],
    [/^\/spec\/limits\/memory$/, poolField('nodePool.memoryLimit')],
    [/^\/spec\/disruption\/consolidateAfter$/, poolField('nodePool.consolidateAfter')],
    [/^\/spec\/disruption\/consolidationPolicy$/, poolField('nodePool.consolidationPolicy')],
    [/^\/spec\/disruption\/budgets\//, poolField('nodePool.disruptionBudget')],
    [/^\/spec\/template\/spec\/expireAfter$/, poolField('nodePool.expireAfter')],
    [
      /^\/spec\/template\/spec\/terminationGracePeriod$/,
      (cluster, object) => {
        const runner = runnerOfPool(cluster, object);
        if (runner) return `${runner}.jobTimeout`;
        return object.metadata.name === cluster.managerPool.name ? 'runners[].jobTimeout (the longest)' : undefined;
      },
    ],
    [
      /^\/spec\/template\/spec\/requirements\/(\d+)/,
      (cluster, object, match) => {
        const requirements = ((object.spec as { template?: { spec?: { requirements?: Array<{ key: string }> } } })?.template?.spec?.requirements ?? []);
        const field = REQUIREMENT_FIELDS[requirements[Number(match[1])]?.key ?? ''];
        const runner = runnerOfPool(cluster, object);
        return field && runner ? `${runner}.${field}` : undefined;
      },
    ],
  ],
  EC2NodeClass: [
    [/^\/spec\/blockDeviceMappings\/\d+\/ebs\/volumeSize$/, () => 'nodeClass.rootVolumeSize'],
    [/^\/spec\/amiSelectorTerms\//, () => 'nodeClass.amiAlias'],
    [/^\/spec\/role$/, () => 'nodeClass.nodeRole'],
    [/^\/spec\/(subnetSelectorTerms|securityGroupSelectorTerms|tags)\b/, () => 'name'],
  ],
  ExternalSecret: [
    [
      /^\/spec\/data\/\d+\/remoteRef\/(key|property)$/,
      (cluster, object, match) => {
        const index = cluster.runners.findIndex((r) => r.tokenSecret.name === object.metadata.name);
        return index < 0 ? undefined : `runners[${index}].token.${match[1] === 'key' ? 'secretId' : 'property'}`;
      },
    ],
  ],
};

/** The value at a JSON pointer of an object. */
function valueAt(object: unknown, pointer: string): unknown {
  return pointer
    .split('/')
    .slice(1)
    .map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'))
    .reduce<unknown>((value, key) => (value !== null && typeof value === 'object' ? (value as Record<string, unknown>)[key] : undefined), object);
}

/** Kinds checked here, as "group/version/Kind". */
export function schemaCheckedKinds(): string[] {
  return Object.keys(validators).sort();
}

/** Every schema problem of one cluster's rendered objects: `cluster "x": field: …`. */
export function findSchemaProblems(cluster: ResolvedCluster, files: readonly RenderedFile[]): string[] {
  const problems: string[] = [];
  for (const { object } of files) {
    if (!object) continue;
    const validate = validators[`${object.apiVersion}/${object.kind}`];
    if (!validate || validate(object)) continue;
    for (const error of validate.errors ?? []) {
      const where = error.instancePath || '/';
      const rendered = where.slice(1).replace(/\//g, '.');
      const detail =
        error.keyword === 'additionalProperties'
          ? `unknown field "${String(error.params.additionalProperty)}"`
          : `${error.message ?? error.keyword}${error.keyword === 'enum' ? ` ${JSON.stringify(error.params.allowedValues)}` : ''}`;
      const source = (FIELD_SOURCES[object.kind] ?? [])
        .map(([pattern, field]) => {
          const match = pattern.exec(where);
          return match ? field(cluster, object, match) : undefined;
        })
        .find((field) => field !== undefined);
      const what = `the pinned ${object.kind} schema (${object.apiVersion}) refuses ${rendered} = ${showValue(valueAt(object, where))}: ${detail}`;
      problems.push(
        source
          ? `cluster "${cluster.name}": ${source}: ${what}`
          : `cluster "${cluster.name}": ${object.kind} ${object.metadata.name}: ${what} (no definition field renders it: a bug in the charts)`,
      );
    }
  }
  return problems;
}
