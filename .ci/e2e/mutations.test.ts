import { e2eCluster } from './fixture/definition';
import { breakRole, objectOf, sigtermDrain, wrongNodeSelector } from './mutations';
import { renderCluster } from './render';
import type { RenderedFile } from '../../lib/synth/render';

const files = renderCluster(e2eCluster());
const find = (all: readonly RenderedFile[], kind: string, name: string) => all.find((f) => f.object?.kind === kind && f.object.metadata.name === name)!;
const checksum = (all: readonly RenderedFile[]) => (objectOf(find(all, 'Deployment', 'gitlab-runner-amd64')) as any).spec.template.metadata.annotations['checksum/config'];  

describe('mutations of a copy of the rendered output', () => {
  it('breakRole takes create on pods/attach from that runner only, and leaves the original alone', () => {
    const before = find(files, 'Role', 'gitlab-runner-amd64').content;
    const broken = breakRole('gitlab-runner-amd64')(files);
    const rule = (objectOf(find(broken, 'Role', 'gitlab-runner-amd64')) as any).rules.find((r: any) => r.resources.includes('pods/attach'));  
    expect(rule.verbs).not.toContain('create');
    expect(find(broken, 'Role', 'gitlab-runner-arm64').content).toBe(find(files, 'Role', 'gitlab-runner-arm64').content);
    expect(find(files, 'Role', 'gitlab-runner-amd64').content).toBe(before);
  });

  it.each([
    ['wrongNodeSelector', wrongNodeSelector('gitlab-runner-amd64', 'gitlab-runner-managers'), 'config.template.toml', '"karpenter.sh/nodepool" = "gitlab-runner-managers"'],
    ['sigtermDrain', sigtermDrain('gitlab-runner-amd64'), 'drain.sh', 'kill -TERM'],
  ])('%s changes the runner config and re-stamps the checksum so the managers roll', (_, mutate, key, text) => {
    const broken = mutate(files);
    expect((objectOf(find(broken, 'ConfigMap', 'gitlab-runner-amd64')) as any).data[key]).toContain(text);  
    expect(checksum(broken)).not.toBe(checksum(files));
  });

  it('fails loudly when the rendered output no longer has what a mutation changes', () => {
    expect(() => breakRole('gitlab-runner-s390x')(files)).toThrow(/no Role gitlab-runner-s390x/);
  });
});
