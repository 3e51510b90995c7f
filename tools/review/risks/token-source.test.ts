import { editObject, renderObjects, runCheck } from '../testing';
import { tokenSourceChanged } from './token-source';

const base = renderObjects();
const lines = (head: ReturnType<typeof renderObjects>) => runCheck(tokenSourceChanged, base, head).map((h) => `${h.cluster} ${h.object} ${h.field}: ${h.message}`);

describe('tokenSourceChanged', () => {
  it('is silent when nothing changed, and when something else of a manager changed', () => {
    expect(lines(renderObjects())).toEqual([]);
    expect(lines(editObject(base, { kind: 'Deployment', name: 'gitlab-runner-amd64' }, (b) => (b.spec.replicas = 3)))).toEqual([]);
  });

  it.each([
    ['another Secret', (b: any) => (b.spec.template.spec.volumes.find((v: any) => v.secret).secret.secretName = 'new-token'), /Secret gitlab-runner-amd64-token key token → Secret new-token key token: the new Secret must exist in gitlab-runner/],
    ['another key', (b: any) => (b.spec.template.spec.volumes.find((v: any) => v.secret).secret.items[0].key = 'glrt'), /key token → Secret gitlab-runner-amd64-token key glrt/],
  ])('flags a manager reading %s', (_, edit, message) => {
    const out = lines(editObject(base, { kind: 'Deployment', name: 'gitlab-runner-amd64' }, edit));
    expect(out).toEqual([expect.stringMatching(/^staging Deployment gitlab-runner\/gitlab-runner-amd64 spec\.template\.spec\.volumes\[token\]\.secret: /)]);
    expect(out[0]).toMatch(message);
  });

  it.each([
    ['another Secrets Manager secret', (b: any) => (b.spec.data[0].remoteRef.key = 'gitlab-runner/production/other'), /secret "gitlab-runner\/production\/amd64" property "token" .* → secret "gitlab-runner\/production\/other" property "token"/],
    ['another property', (b: any) => (b.spec.data[0].remoteRef.property = 'glrt'), /property "token" .* → secret "gitlab-runner\/production\/amd64" property "glrt"/],
  ])('flags an ExternalSecret reading %s', (_, edit, message) => {
    const out = lines(editObject(base, { cluster: 'production', kind: 'ExternalSecret', name: 'gitlab-runner-amd64-token' }, edit));
    expect(out).toEqual([expect.stringMatching(/^production ExternalSecret gitlab-runner\/gitlab-runner-amd64-token spec\.data: .*must exist in AWS Secrets Manager/)]);
    expect(out[0]).toMatch(message);
  });
});
