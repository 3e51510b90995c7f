import { clusterFileRenderers, composeCluster } from '.';
import { fleet } from '../definitions';
import { production } from '../definitions/production';
import { resolveFleet } from '../lib/model/fleet';
import { allCrdValidators } from '../lib/synth/crd-schema';
import { renderFleet } from '../lib/synth/synth';

const validators = allCrdValidators();
// The fleet as defined, plus production with every runner retiring or mid-rotation: shapes the definitions do not
// show today but a change of a field will.
const variants = resolveFleet([
  { ...production, name: 'rotating', runners: production.runners.map((r, i) => ({ ...r, tokenRevision: `r${i + 2}`, retiring: i === 2 })) },
]);
const customResources = renderFleet([...fleet, ...variants], composeCluster, clusterFileRenderers).filter(
  // Custom resources: API groups with a dot that are not Kubernetes' own (*.k8s.io).
  (file) => file.object && /^[^/]+\.[^/]+\//.test(file.object.apiVersion) && !/k8s\.io\//.test(file.object.apiVersion),
);

test('every custom resource rendered validates strictly against the schema of its pinned upstream CRD', () => {
  const kinds = new Set(customResources.map((f) => f.object!.kind));
  expect([...kinds].sort()).toEqual(
    ['EC2NodeClass', 'ExternalSecret', 'HelmRelease', 'Kustomization', 'NodePool', 'OCIRepository', 'PodMonitor', 'PrometheusRule', 'SecretStore'].sort(),
  );
  const problems = customResources.flatMap((f) => validators.validate(f.object!).map((p) => `${f.path}: ${p}`));
  expect(problems).toEqual([]);
});

test.each([
  ['NodePool', (o: any) => void (o.spec.template.spec.taint = o.spec.template.spec.taints), '/spec/template/spec: unknown field "taint"'],
  ['EC2NodeClass', (o: any) => void (o.spec.metadataOptions.httpPutResponseHopLimt = 1), '/spec/metadataOptions: unknown field "httpPutResponseHopLimt"'],
  ['ExternalSecret', (o: any) => void (o.spec.target.creationPolicy = 'Always'), '/spec/target/creationPolicy: must be equal to one of the allowed values'],
])('a %s with a mistake is rejected, naming the field', (kind, edit, message) => {
  const object = structuredClone(customResources.find((f) => f.object!.kind === kind)!.object) as Record<string, any>;
  edit(object);
  expect(validators.validate(object)).toContain(message);
});
