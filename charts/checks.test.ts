import { composeCluster } from '.';
import { twoArchCluster } from './testing';
import { findRenderProblems } from '../lib/synth/checks';
import { renderClusterManifests, toYaml, type ManifestObject, type RenderedFile } from '../lib/synth/render';
import { resolveCluster } from '../lib/model/resolve';

const cluster = resolveCluster(twoArchCluster());
const files = renderClusterManifests(cluster, composeCluster);

/** The rendered files with one object changed by `edit` (a deep copy; the originals stay intact). */
function tampered(kind: string, name: string, edit: (object: any) => void): RenderedFile[] {
  return files.map((file) => {
    if (file.object?.kind !== kind || file.object.metadata.name !== name) return file;
    const object = JSON.parse(JSON.stringify(file.object)) as ManifestObject;
    edit(object);
    return { ...file, object, content: toYaml(object) };
  });
}

test('what the fleet renders has no inconsistency', () => {
  expect(findRenderProblems(cluster, files)).toEqual([]);
});

test('a job pool whose taint the runner does not tolerate leaves the runner without a pool', () => {
  const problems = findRenderProblems(
    cluster,
    tampered('NodePool', 'gitlab-ci-jobs-amd64', (pool) => {
      pool.spec.template.spec.taints[0].value = 'other';
    }),
  );
  expect(problems).toEqual([
    expect.stringMatching(/^cluster "test", runner "amd64": runners\.kubernetes\.node_selector .* must fit exactly NodePool gitlab-ci-jobs-amd64, but fits none$/),
  ]);
});

test('a job pool of the wrong architecture is caught', () => {
  const problems = findRenderProblems(
    cluster,
    tampered('NodePool', 'gitlab-ci-jobs-arm64', (pool) => {
      pool.spec.template.spec.requirements[0].values = ['amd64'];
    }),
  );
  expect(problems).toEqual([expect.stringContaining('runner "arm64": runners.kubernetes.node_selector')]);
});

test('a Deployment reading a Secret nothing makes is caught', () => {
  const problems = findRenderProblems(
    cluster,
    files.filter((f) => f.object?.kind !== 'ExternalSecret'),
  );
  expect(problems).toEqual([
    'cluster "test", runner "amd64": Deployment gitlab-runner-amd64 reads Secret gitlab-runner-amd64-token, which no ExternalSecret makes and no definition declares as existing',
  ]);
});

test('two objects of one kind, namespace and name are caught', () => {
  const duplicate = files.find((f) => f.object?.kind === 'Role')!;
  const problems = findRenderProblems(cluster, [...files, { ...duplicate, path: 'dist/test/runners/other/Role.copy.yaml' }]);
  expect(problems).toEqual([expect.stringMatching(/Role\.rbac\.authorization\.k8s\.io gitlab-ci-jobs\/gitlab-runner-amd64 is rendered twice/)]);
});

test('a Secret object or anything that looks like a token is caught', () => {
  const secret: ManifestObject = { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'leak', namespace: 'gitlab-runner' } };
  const leaked = { path: 'dist/test/runners/x/Secret.leak.yaml', content: `${toYaml(secret)}# ${['glrt', 'A'.repeat(20)].join('-')}\n`, object: secret };
  const problems = findRenderProblems(cluster, [...files, leaked]);
  expect(problems).toEqual([
    expect.stringContaining('Secret.leak.yaml is a Secret'),
    expect.stringContaining('Secret.leak.yaml contains something that looks like a GitLab token (glrt-AAA…)'),
  ]);
});

test('a manager that could land on the other architecture is caught', () => {
  const problems = findRenderProblems(
    cluster,
    tampered('Deployment', 'gitlab-runner-arm64', (deployment) => {
      for (const term of deployment.spec.template.spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms) {
        term.matchExpressions[0].values = ['amd64', 'arm64'];
      }
    }),
  );
  expect(problems).toEqual(['cluster "test", runner "arm64": Deployment gitlab-runner-arm64 is not pinned to kubernetes.io/arch=arm64']);
});

test('any token shape in rendered output is caught, wherever it hides (here a personal access token in the GitLab URL)', () => {
  const token = ['glpat', 'abcdefghij0123456789'].join('-');
  const problems = findRenderProblems(
    cluster,
    tampered('ConfigMap', 'gitlab-runner-amd64', (configMap) => {
      configMap.data['config.template.toml'] = configMap.data['config.template.toml'].replace('https://gitlab.com', `https://${token}.example.com`);
    }),
  );
  expect(problems).toEqual([expect.stringMatching(/ConfigMap\.gitlab-runner-amd64\.yaml contains something that looks like a GitLab token \(glpat-ab…\)$/)]);
  expect(problems.join('\n')).not.toContain(token);
});

test('a runner that would run jobs privileged, or let them escalate, is caught', () => {
  const problems = findRenderProblems(
    cluster,
    tampered('ConfigMap', 'gitlab-runner-arm64', (configMap) => {
      configMap.data['config.template.toml'] = configMap.data['config.template.toml']
        .replace('privileged = false', 'privileged = true')
        .replace('allow_privilege_escalation = false', 'allow_privilege_escalation = true');
    }),
  );
  expect(problems).toEqual([
    'cluster "test", runner "arm64": runners.kubernetes.privileged must be false (jobs never run privileged), got true',
    'cluster "test", runner "arm64": runners.kubernetes.allow_privilege_escalation must be false (jobs never run privileged), got true',
  ]);
});
