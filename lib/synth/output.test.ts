import { isGenerated } from './output';

test.each([
  ['dist/staging/runners/runner-amd64/Deployment.gitlab-runner-amd64.yaml', true],
  ['clusters/staging/runners.yaml', true],
  ['clusters/staging/flux-system/gotk-sync.yaml', false],
  ['clusters/README.md', false],
  ['bootstrap/clusters/staging/eksctl.yaml', true],
  ['bootstrap/karpenter-prerequisites.cfn.yaml', false],
  ['definitions/staging.ts', false],
  ['README.md', false],
])('%s is generated: %s', (path, generated) => {
  expect(isGenerated(path)).toBe(generated);
});
