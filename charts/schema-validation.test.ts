import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
/**
 * lib/synth/schema-validation.ts on what the charts render (here, since lib/ never imports charts/, tests included).
 */
import { clusterFileRenderers, composeCluster } from '.';
import { resolveCluster } from '../lib/model/resolve';
import { everyField } from '../lib/model/testing';
import { RenderCheckError } from '../lib/synth/checks';
import { renderClusterManifests } from '../lib/synth/render';
import { findSchemaProblems, schemaCheckedKinds } from '../lib/synth/schema-validation';
import { renderFleet } from '../lib/synth/synth';

const resolved = resolveCluster(everyField());
const manifests = renderClusterManifests(resolved, composeCluster);

function renderProblems(definition: ReturnType<typeof everyField>): string[] {
  try {
    renderFleet([resolveCluster(definition)], composeCluster, clusterFileRenderers);
  } catch (error) {
    if (error instanceof RenderCheckError) return [...error.problems];
    throw error;
  }
  return [];
}

test('checks the custom resources that carry definition values, and finds nothing wrong in what the definitions render', () => {
  expect(schemaCheckedKinds()).toEqual(['external-secrets.io/v1/ExternalSecret', 'karpenter.k8s.aws/v1/EC2NodeClass', 'karpenter.sh/v1/NodePool']);
  expect(findSchemaProblems(resolved, manifests)).toEqual([]);
});

describe('a value the definition schema accepts but a pinned CRD refuses is refused at synth, naming the definition field', () => {
  // EBS volume sizes the EC2NodeClass pattern refuses: other units, fractions, above EBS's 64 TiB.
  test.each(['150000Mi', '1.5Ti', '60000Gi', '100Ti', '70000G', '65T'])('root volume %s', (size) => {
    const definition = { ...everyField(), nodeClass: { rootVolumeSize: size } };
    expect(renderProblems(definition)).toEqual([
      `cluster "full": nodeClass.rootVolumeSize: the pinned EC2NodeClass schema (karpenter.k8s.aws/v1) refuses spec.blockDeviceMappings.0.ebs.volumeSize = "${size}": must match pattern "${'^((?:[1-9][0-9]{0,3}|[1-4][0-9]{4}|[5][0-8][0-9]{3}|59000)Gi|(?:[1-9][0-9]{0,3}|[1-5][0-9]{4}|[6][0-3][0-9]{3}|64000)G|([1-9]||[1-5][0-7]|58)Ti|([1-9]||[1-5][0-9]|6[0-3]|64)T)$'}"`,
    ]);
  });
});

describe('every schema failure of a rendered field is reported at the definition field it comes from', () => {
  const at = (kind: string, name: string) => manifests.find((f) => f.object?.kind === kind && f.object.metadata.name === name)!.object!;
  test.each<[string, string, string, unknown, string]>([
    ['NodePool', 'gitlab-ci-jobs-amd', '/spec/limits/cpu', '4 cores', 'runners[0].nodePool.cpuLimit'],
    ['NodePool', 'gitlab-ci-jobs-amd', '/spec/limits/memory', '1 GB', 'runners[0].nodePool.memoryLimit'],
    ['NodePool', 'gitlab-ci-jobs-arm', '/spec/disruption/consolidateAfter', '1.5h', 'runners[1].nodePool.consolidateAfter'],
    ['NodePool', 'gitlab-ci-jobs-amd', '/spec/disruption/consolidationPolicy', 'Sometimes', 'runners[0].nodePool.consolidationPolicy'],
    ['NodePool', 'gitlab-ci-jobs-amd', '/spec/disruption/budgets/0/nodes', '110%', 'runners[0].nodePool.disruptionBudget'],
    ['NodePool', 'gitlab-ci-jobs-amd', '/spec/template/spec/expireAfter', '7d', 'runners[0].nodePool.expireAfter'],
    ['NodePool', 'gitlab-ci-jobs-arm', '/spec/template/spec/terminationGracePeriod', '1d', 'runners[1].jobTimeout'],
    ['NodePool', 'gitlab-runner-managers', '/spec/template/spec/terminationGracePeriod', '1d', 'runners[].jobTimeout (the longest)'],
    ['EC2NodeClass', 'gitlab-ci', '/spec/blockDeviceMappings/0/ebs/volumeSize', '1Pi', 'nodeClass.rootVolumeSize'],
    ['EC2NodeClass', 'gitlab-ci', '/spec/role', 42, 'nodeClass.nodeRole'],
    ['ExternalSecret', 'gitlab-runner-amd-token', '/spec/data/0/remoteRef/key', 7, 'runners[0].token.secretId'],
    ['ExternalSecret', 'gitlab-runner-amd-token', '/spec/data/0/remoteRef/property', false, 'runners[0].token.property'],
  ])('%s %s %s', (kind, name, pointer, bad, field) => {
    const object = structuredClone(at(kind, name)) as Record<string, any>;
    const keys = pointer.split('/').slice(1);
    const parent = keys.slice(0, -1).reduce((o, k) => o[k], object);
    parent[keys[keys.length - 1]] = bad;
    const problems = findSchemaProblems(resolved, [{ path: 'x', content: '', object: object as never }]);
    expect(problems.length).toBeGreaterThan(0);
    for (const problem of problems) expect(problem).toMatch(new RegExp(`^cluster "full": ${field.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: the pinned ${kind} schema`));
  });

  test('a failure no definition field explains is reported as a bug in the charts', () => {
    const object = structuredClone(at('NodePool', 'gitlab-ci-jobs-amd')) as Record<string, any>;
    object.spec.template.spec.taint = [];
    expect(findSchemaProblems(resolved, [{ path: 'x', content: '', object: object as never }])).toEqual([
      'cluster "full": NodePool gitlab-ci-jobs-amd: the pinned NodePool schema (karpenter.sh/v1) refuses spec.template.spec = {"taint":[],' +
        expect.any(String),
    ].map(() => expect.stringMatching(/unknown field "taint" \(no definition field renders it: a bug in the charts\)$/)));
  });
});

test('the vendored validators are what the pinned CRDs give (regenerate with scripts/vendor-crd-validators.ts)', () => {
  const result = spawnSync(process.execPath, ['scripts/run-ts.mjs', 'scripts/vendor-crd-validators.ts', '--check'], { cwd: join(__dirname, '..'), encoding: 'utf8' });
  expect(result.stderr).toBe('');
  expect(result.status).toBe(0);
}, 180_000);
