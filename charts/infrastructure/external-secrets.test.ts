import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { App } from 'cdk8s';
import { parse } from 'yaml';
import { production } from '../../definitions/production';
import { EXTERNAL_SECRETS, SYSTEM_NODE_GROUP } from '../../lib/model/platform';
import { resolveCluster } from '../../lib/model/resolve';
import versions from '../../lib/versions.json';
import { ExternalSecretsChart } from './external-secrets';

function render(version?: string) {
  const app = new App({ outdir: '/nonexistent' });
  const chart = new ExternalSecretsChart(app, 'external-secrets', { cluster: resolveCluster(production), ...(version ? { version } : {}) });
  const objects = chart.toJson() as Array<Record<string, any>>;
  const one = (kind: string) => {
    const found = objects.filter((o) => o.kind === kind);
    if (found.length !== 1) throw new Error(`expected one ${kind}, found ${found.length}`);
    return found[0]!;
  };
  return { chart, objects, one };
}

describe('the External Secrets chart', () => {
  const { chart, objects, one } = render();

  test('renders its namespace with Pod Security "restricted" enforced, and everything else inside it', () => {
    expect(chart.layer).toBe('infrastructure');
    const namespace = one('Namespace');
    expect(namespace.metadata.name).toBe(EXTERNAL_SECRETS.namespace);
    expect(namespace.metadata.labels['pod-security.kubernetes.io/enforce']).toBe('restricted');
    for (const o of objects.filter((x) => x.kind !== 'Namespace')) expect(o.metadata.namespace).toBe(EXTERNAL_SECRETS.namespace);
  });

  test('pulls the pinned 2.x chart from GHCR, verified with cosign against the upstream helm workflow on main', () => {
    const source = one('OCIRepository');
    expect(source.spec.url).toBe('oci://ghcr.io/external-secrets/charts/external-secrets');
    expect(source.spec.ref).toEqual({ tag: versions.externalSecrets.chart });
    expect(versions.externalSecrets.chart).toMatch(/^2\.\d+\.\d+$/);
    const [identity] = source.spec.verify.matchOIDCIdentity;
    const subject = new RegExp(identity.subject);
    expect(subject.test('https://github.com/external-secrets/external-secrets/.github/workflows/helm.yml@refs/heads/main')).toBe(true);
    expect(subject.test('https://github.com/external-secrets/external-secrets/.github/workflows/helm.yml@refs/heads/feature')).toBe(false);
    expect(source.spec.verify.provider).toBe('cosign');
  });

  test('installs and upgrades its CRDs with the release, keeps them if the release goes, and names its Pod Identity service account', () => {
    const release = one('HelmRelease');
    expect(release.spec.chartRef).toEqual({ kind: 'OCIRepository', name: EXTERNAL_SECRETS.releaseName });
    expect(release.spec.values).toMatchObject({
      installCRDs: true,
      crds: { annotations: { 'helm.sh/resource-policy': 'keep' } },
      serviceAccount: { create: true, name: EXTERNAL_SECRETS.serviceAccount },
    });
    expect(release.spec).toMatchObject({ driftDetection: { mode: 'enabled' }, timeout: '10m' });
  });

  test('runs the controller, webhook and cert controller on the system node group', () => {
    const { global } = one('HelmRelease').spec.values;
    expect(global.nodeSelector).toEqual({ [SYSTEM_NODE_GROUP.label.key]: SYSTEM_NODE_GROUP.label.value });
    expect(global.tolerations).toEqual([{ key: SYSTEM_NODE_GROUP.taint.key, operator: 'Exists', effect: 'NoSchedule' }]);
  });

  test('refuses a chart version outside the supported major', () => {
    expect(() => render('0.16.2')).toThrow(/externalSecrets\.chart: 0\.16\.2 is not a supported major \(2\.x\)/);
  });
});

test('the External Secrets values only use top-level keys the upstream chart declares', () => {
  // The newest chart source the Go module proxy serves is the CRD module's (2.x tags are not Go modules); the keys
  // used here have been stable across both.
  const mod = versions.upstreamCrds.find((c) => c.name === 'external-secrets')!;
  const dir = execFileSync(join(__dirname, '..', '..', 'scripts', 'upstream-module.sh'), [mod.module, mod.version], { encoding: 'utf8' }).trim();
  const upstream = parse(readFileSync(join(dir, 'deploy/charts/external-secrets/values.yaml'), 'utf8')) as Record<string, any>;
  const values = render().one('HelmRelease').spec.values as Record<string, any>;
  expect(Object.keys(values).filter((k) => !(k in upstream))).toEqual([]);
  expect(Object.keys(values.global).filter((k) => !(k in upstream.global))).toEqual([]);
  expect(Object.keys(values.crds).filter((k) => !(k in upstream.crds))).toEqual([]);
});
