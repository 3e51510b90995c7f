import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { App } from 'cdk8s';
import { parse } from 'yaml';
import { production } from '../../definitions/production';
import { staging } from '../../definitions/staging';
import { awsNames, KARPENTER, SYSTEM_NODE_GROUP } from '../../lib/model/platform';
import { resolveCluster } from '../../lib/model/resolve';
import versions from '../../lib/versions.json';
import { KarpenterChart } from './karpenter';

function render(definition = production, version?: string) {
  const app = new App({ outdir: '/nonexistent' });
  const chart = new KarpenterChart(app, 'karpenter', { cluster: resolveCluster(definition), ...(version ? { version } : {}) });
  const objects = chart.toJson() as Array<Record<string, any>>;
  const get = (kind: string, name: string) => {
    const found = objects.filter((o) => o.kind === kind && o.metadata.name === name);
    if (found.length !== 1) throw new Error(`expected one ${kind} ${name}, found ${found.length}`);
    return found[0]!;
  };
  return { chart, objects, get };
}

describe('the Karpenter chart', () => {
  const { chart, objects, get } = render();

  test('belongs to the infrastructure layer and renders no Namespace (Flux must never own kube-system)', () => {
    expect(chart.layer).toBe('infrastructure');
    expect(objects.filter((o) => o.kind === 'Namespace')).toEqual([]);
    for (const o of objects) expect(o.metadata.namespace).toBe(KARPENTER.namespace);
  });

  test('pulls both charts from the public OCI registry at the pinned version, verified with cosign against the release workflow', () => {
    for (const name of ['karpenter-crd', 'karpenter']) {
      const source = get('OCIRepository', name);
      expect(source.spec.url).toBe(`oci://public.ecr.aws/karpenter/${name}`);
      expect(source.spec.ref).toEqual({ tag: versions.karpenter });
      expect(source.spec.verify.provider).toBe('cosign');
      const [identity] = source.spec.verify.matchOIDCIdentity;
      expect(new RegExp(identity.issuer).test('https://token.actions.githubusercontent.com')).toBe(true);
      const subject = new RegExp(identity.subject);
      const signer = 'https://github.com/aws/karpenter-provider-aws/.github/workflows/release.yaml@refs/tags/v';
      expect(subject.test(`${signer}${versions.karpenter}`)).toBe(true);
      // Another tag, another workflow or a fork of the repository does not verify.
      expect(subject.test(`${signer}1.14.30`)).toBe(false);
      expect(subject.test(`https://github.com/aws/karpenter-provider-aws/.github/workflows/snapshot.yaml@refs/tags/v${versions.karpenter}`)).toBe(false);
      expect(subject.test(`https://github.com/evil/karpenter-provider-aws/.github/workflows/release.yaml@refs/tags/v${versions.karpenter}`)).toBe(false);
    }
  });

  test('installs the CRD chart first, and the controller release skips the CRDs the CRD chart owns', () => {
    const crds = get('HelmRelease', 'karpenter-crd');
    const controller = get('HelmRelease', 'karpenter');
    expect(crds.spec.chartRef).toEqual({ kind: 'OCIRepository', name: 'karpenter-crd' });
    expect(controller.spec.chartRef).toEqual({ kind: 'OCIRepository', name: 'karpenter' });
    expect(controller.spec.dependsOn).toEqual([{ name: 'karpenter-crd' }]);
    expect(controller.spec.install.crds).toBe('Skip');
    expect(controller.spec.upgrade.crds).toBe('Skip');
    expect(crds.spec.values.additionalAnnotations).toEqual({ 'helm.sh/resource-policy': 'keep' });
    expect(crds.spec.upgrade.remediation.strategy).toBe('rollback');
  });

  test('reconciles with drift detection, a timeout and bounded remediation retries', () => {
    for (const name of ['karpenter-crd', 'karpenter']) {
      const release = get('HelmRelease', name);
      expect(release.spec).toMatchObject({ interval: '1h', timeout: '10m', driftDetection: { mode: 'enabled' } });
      expect(release.spec.install.remediation.retries).toBe(3);
      expect(release.spec.upgrade.remediation.retries).toBe(3);
    }
  });

  test('configures the controller for this cluster: name, interruption queue and Pod Identity service account', () => {
    const values = get('HelmRelease', 'karpenter').spec.values;
    const cluster = resolveCluster(production);
    expect(values.settings).toEqual({ clusterName: 'production', interruptionQueue: awsNames(cluster).interruptionQueue });
    expect(values.serviceAccount).toEqual({ create: true, name: KARPENTER.serviceAccount });
  });

  test('runs the controller on the system node group only, two replicas on different hosts, never on a node it manages', () => {
    const values = get('HelmRelease', 'karpenter').spec.values;
    expect(values.replicas).toBe(2);
    expect(values.nodeSelector).toEqual({ 'kubernetes.io/os': 'linux', [SYSTEM_NODE_GROUP.label.key]: SYSTEM_NODE_GROUP.label.value });
    expect(values.tolerations).toEqual([{ key: 'CriticalAddonsOnly', operator: 'Exists', effect: 'NoSchedule' }]);
    const [term] = values.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms;
    expect(term.matchExpressions).toContainEqual({ key: 'karpenter.sh/nodepool', operator: 'DoesNotExist' });
    expect(values.affinity.podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution).toEqual([{ topologyKey: 'kubernetes.io/hostname' }]);
    expect(values.controller.resources.requests).toEqual({ cpu: '500m', memory: '1Gi' });
  });

  test('derives the interruption queue from each cluster name', () => {
    expect(render(staging).get('HelmRelease', 'karpenter').spec.values.settings.interruptionQueue).toBe('staging-karpenter-interruption');
  });

  test('refuses a Karpenter version nobody checked the IAM policy and values for, before rendering anything', () => {
    expect(() => render(production, '1.15.0')).toThrow(/karpenter: 1\.15\.0 is not a Karpenter minor this repository was checked against/);
    expect(() => render(production, 'latest')).toThrow(/must be an exact version/);
  });
});

const FREE_FORM = new Set(['nodeSelector', 'affinity', 'tolerations', 'resources', 'additionalAnnotations']);

test('the Karpenter chart values only use keys the pinned upstream chart declares', () => {
  // The chart source of the pinned release, from the Go module proxy (cached): a misspelt key would be ignored by Helm.
  const dir = execFileSync(join(__dirname, '..', '..', 'scripts', 'upstream-module.sh'), ['github.com/aws/karpenter-provider-aws', `v${versions.karpenter}`], {
    encoding: 'utf8',
  }).trim();
  const upstream = parse(readFileSync(join(dir, 'charts/karpenter/values.yaml'), 'utf8')) as Record<string, any>;
  const crdUpstream = parse(readFileSync(join(dir, 'charts/karpenter-crd/values.yaml'), 'utf8')) as Record<string, any>;
  const { get } = render();
  const missing = (values: Record<string, any>, declared: Record<string, any>, at = ''): string[] =>
    Object.entries(values).flatMap(([key, value]) => {
      if (!(key in declared)) return [`${at}${key}`];
      const next = declared[key];
      // Maps the chart passes through to Kubernetes as they are have free keys.
      if (FREE_FORM.has(key)) return [];
      if (value && typeof value === 'object' && !Array.isArray(value) && next && typeof next === 'object' && Object.keys(next).length) {
        return missing(value, next, `${at}${key}.`);
      }
      return [];
    });
  expect(missing(get('HelmRelease', 'karpenter').spec.values, upstream)).toEqual([]);
  expect(missing(get('HelmRelease', 'karpenter-crd').spec.values, crdUpstream)).toEqual([]);
});
