import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv from 'ajv';
import { parse } from 'yaml';
import { clusterFileRenderers, composeCluster } from '..';
import { twoArchCluster } from '../testing';
import { fleet } from '../../definitions';
import type { ManifestObject } from '../../lib/synth/render';
import { resolveCluster } from '../../lib/model/resolve';
import { renderFleet } from '../../lib/synth/synth';
import versions from '../../lib/versions.json';
import { clusterConfig } from './eksctl';
import { EXTERNAL_SECRETS, KARPENTER, SYSTEM_NODE_GROUP } from '../../lib/model/platform';

const repoRoot = join(__dirname, '..', '..');
const files = renderFleet(fleet, composeCluster, clusterFileRenderers);

/** eksctl's published JSON schema for ClusterConfig, from the eksctl Go module at the pinned release. */
function eksctlSchema(): Record<string, unknown> {
  const dir = execFileSync(join(repoRoot, 'scripts', 'upstream-module.sh'), ['github.com/weaveworks/eksctl', `v${versions.eksctl}`], {
    encoding: 'utf8',
  }).trim();
  return JSON.parse(readFileSync(join(dir, 'pkg/apis/eksctl.io/v1alpha5/assets/schema.json'), 'utf8'));
}

const ajv = new Ajv({ strict: false, allErrors: true });
const validateClusterConfig = ajv.compile(eksctlSchema());

function rendered(path: string): string {
  const file = files.find((f) => f.path === path);
  if (!file) throw new Error(`nothing rendered at ${path}`);
  return file.content;
}

function distObjects(cluster: string): Array<ManifestObject & Record<string, any>> {
  return files.flatMap((f) => (f.path.startsWith(`dist/${cluster}/`) && f.object ? [f.object as ManifestObject & Record<string, any>] : []));
}

/** A service account the rendered manifests create: a ServiceAccount object, or one a HelmRelease's chart creates. */
function serviceAccountsIn(cluster: string): Set<string> {
  const out = new Set<string>();
  for (const o of distObjects(cluster)) {
    if (o.kind === 'ServiceAccount') out.add(`${o.metadata.namespace}/${o.metadata.name}`);
    const sa = o.kind === 'HelmRelease' ? o.spec.values?.serviceAccount : undefined;
    if (sa?.create && sa.name) out.add(`${o.metadata.namespace}/${sa.name}`);
  }
  return out;
}

describe.each(fleet.map((c) => [c.name, c] as const))('the eksctl config of cluster %s', (name, cluster) => {
  const text = rendered(`bootstrap/clusters/${name}/eksctl.yaml`);
  const config = parse(text);

  test("validates against eksctl's JSON schema of the pinned release", () => {
    const valid = validateClusterConfig(config);
    expect(validateClusterConfig.errors ?? []).toEqual([]);
    expect(valid).toBe(true);
  });

  test('names the cluster, region and Kubernetes version of the definition, and tags it for Karpenter discovery', () => {
    expect(config.metadata).toMatchObject({ name, region: cluster.region, version: cluster.kubernetesVersion });
    expect(config.metadata.tags[cluster.nodeClass.discoveryTag.key]).toBe(cluster.nodeClass.discoveryTag.value);
    const nodeClass = distObjects(name).find((o) => o.kind === 'EC2NodeClass')!;
    for (const term of [...nodeClass.spec.subnetSelectorTerms, ...nodeClass.spec.securityGroupSelectorTerms]) {
      expect(term.tags).toMatchObject({ [cluster.nodeClass.discoveryTag.key]: config.metadata.tags[cluster.nodeClass.discoveryTag.key] });
    }
  });

  test('gives Karpenter nodes an EC2_LINUX access entry for the role the EC2NodeClass names', () => {
    const nodeClass = distObjects(name).find((o) => o.kind === 'EC2NodeClass')!;
    expect(config.accessConfig.accessEntries).toEqual([
      { principalARN: `arn:aws:iam::\${AWS_ACCOUNT_ID}:role/${nodeClass.spec.role}`, type: 'EC2_LINUX' },
    ]);
  });

  test('associates a Pod Identity only with service accounts the rendered manifests create', () => {
    const accounts = serviceAccountsIn(name);
    for (const a of config.iam.podIdentityAssociations) expect(accounts).toContain(`${a.namespace}/${a.serviceAccountName}`);
  });

  test('associates Karpenter always, External Secrets when a SecretStore is rendered, and managers when there is a cache', () => {
    const associated = config.iam.podIdentityAssociations.map((a: any) => `${a.namespace}/${a.serviceAccountName}`);
    expect(associated).toContain(`${KARPENTER.namespace}/${KARPENTER.serviceAccount}`);
    const hasStore = distObjects(name).some((o) => o.kind === 'SecretStore');
    expect(associated.includes(`${EXTERNAL_SECRETS.namespace}/${EXTERNAL_SECRETS.serviceAccount}`)).toBe(hasStore);
    for (const runner of cluster.runners) {
      expect(associated.includes(`${cluster.namespaces.managers}/${runner.names.manager}`)).toBe(Boolean(cluster.cache));
    }
  });

  test('runs the cluster controllers on a tainted on-demand Graviton node group the infrastructure charts select and tolerate', () => {
    const [group] = config.managedNodeGroups;
    expect(config.managedNodeGroups).toHaveLength(1);
    expect(group.instanceTypes.every((t: string) => /^[a-z]\d+g[a-z]*\./.test(t))).toBe(true);
    expect(group.spot).toBeUndefined();
    expect(group.taints).toEqual([SYSTEM_NODE_GROUP.taint]);
    for (const release of distObjects(name).filter((o) => o.kind === 'HelmRelease' && o.metadata.name !== KARPENTER.crdReleaseName)) {
      const values = release.spec.values.global ?? release.spec.values;
      expect(values.nodeSelector).toMatchObject(group.labels);
      expect(values.tolerations).toContainEqual({ key: group.taints[0].key, operator: 'Exists', effect: group.taints[0].effect });
    }
  });

  test('installs the Pod Identity agent and never lets eksctl install Karpenter', () => {
    expect(config.addons.map((a: { name: string }) => a.name)).toEqual(
      expect.arrayContaining(['eks-pod-identity-agent', 'vpc-cni', 'coredns', 'kube-proxy']),
    );
    expect(config.karpenter).toBeUndefined();
  });

  test('turns on the VPC CNI network policy agent, so the fleet\'s NetworkPolicies are enforced', () => {
    const cni = config.addons.find((a: { name: string }) => a.name === 'vpc-cni');
    expect(JSON.parse(cni.configurationValues)).toEqual({ enableNetworkPolicy: 'true' });
  });

  test('lets External Secrets read exactly the runner tokens of the cluster', () => {
    const eso = config.iam.podIdentityAssociations.find((a: any) => a.serviceAccountName === EXTERNAL_SECRETS.serviceAccount);
    const secretIds = cluster.runners.flatMap((r) => (r.token.source === 'aws-secrets-manager' ? [r.token.secretId] : []));
    if (!secretIds.length) return expect(eso).toBeUndefined();
    const resources: string[] = eso.permissionPolicy.Statement.flatMap((s: { Resource: string[] }) => s.Resource);
    expect(resources.sort()).toEqual(
      [...new Set(secretIds)].map((id) => `arn:aws:secretsmanager:${cluster.region}:\${AWS_ACCOUNT_ID}:secret:${id}-??????`).sort(),
    );
  });

  test('carries no placeholder but the account ID', () => {
    const placeholders = new Set(text.match(/\$\{[^}]*\}/g));
    expect([...placeholders]).toEqual(['${AWS_ACCOUNT_ID}']);
  });
});

describe("eksctl's schema", () => {
  test('rejects a config with a key eksctl does not know', () => {
    const config = clusterConfig(resolveCluster(twoArchCluster()));
    const managedNodeGroups = [{ ...(config.managedNodeGroups as object[])[0], spotInstances: true }];
    expect(validateClusterConfig({ ...config, managedNodeGroups })).toBe(false);
    expect(validateClusterConfig.errors?.[0]).toMatchObject({ keyword: 'additionalProperties', params: { additionalProperty: 'spotInstances' } });
  });
});

test('a cluster and runner name whose derived IAM role name exceeds 64 characters is rejected with the definition, naming the role', () => {
  const definition = twoArchCluster({ name: 'a-cluster-name-of-forty-characters-long1', cache: { bucket: 'ci-cache' } });
  const long = { ...definition, runners: [{ ...definition.runners[0]!, name: 'twenty-characters-01' }] };
  expect(() => resolveCluster(long)).toThrow(
    /runners\[0\]\.name: the runner's cache IAM role "a-cluster-name-of-forty-characters-long1-gitlab-runner-twenty-characters-01" would be 75 characters; IAM allows 64/,
  );
});

test('a cluster with an S3 cache gives each runner manager its own role limited to that bucket', () => {
  const cluster = resolveCluster(twoArchCluster({ cache: { bucket: 'ci-cache' } }));
  const config = clusterConfig(cluster) as { iam: { podIdentityAssociations: any[] } };
  const managers = config.iam.podIdentityAssociations.filter((a) => a.namespace === cluster.namespaces.managers);
  expect(managers.map((a) => a.serviceAccountName).sort()).toEqual(cluster.runners.map((r) => r.names.manager).sort());
  expect(new Set(managers.map((a) => a.roleName)).size).toBe(managers.length);
  for (const a of managers) {
    expect(a.permissionPolicy.Statement.flatMap((s: { Resource: string[] }) => s.Resource).sort()).toEqual([
      'arn:aws:s3:::ci-cache',
      'arn:aws:s3:::ci-cache/*',
    ]);
  }
});
