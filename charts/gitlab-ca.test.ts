/** A self-hosted GitLab behind a private CA: the runner trusts the CA from the ConfigMap or Secret the definition names. */
import { join } from 'node:path';
import { render, twoArchCluster } from './testing';

describe.each(['config-map', 'secret'] as const)('a GitLab CA from a %s', (source) => {
  const rendered = render(twoArchCluster({ gitlabUrl: 'https://gitlab.internal.example', gitlabCa: { source, name: 'gitlab-ca', key: 'root.pem' } }));

  test.each(['amd64', 'arm64'])('the %s runner reads it as tls-ca-file, from a read-only mount of that one key', (arch) => {
    const name = `gitlab-runner-${arch}`;
    const caFile: string = rendered.runnerConfig(name).runners[0]['tls-ca-file'];
    const pod = rendered.get('Deployment', name).spec.template.spec;
    const mount = pod.containers[0].volumeMounts.find((m: any) => m.name === 'gitlab-ca');
    const volume = pod.volumes.find((v: any) => v.name === 'gitlab-ca');
    const reference = source === 'config-map' ? volume.configMap : volume.secret;
    expect(mount.readOnly).toBe(true);
    expect(reference).toMatchObject(source === 'config-map' ? { name: 'gitlab-ca' } : { secretName: 'gitlab-ca' });
    expect(reference.items).toHaveLength(1);
    expect(reference.items[0].key).toBe('root.pem');
    expect(join(mount.mountPath, reference.items[0].path)).toBe(caFile);
  });

  test('renders the reference only: no certificate or key material anywhere', () => {
    expect(rendered.files.length).toBeGreaterThan(10);
    for (const file of rendered.files) expect(file.content).not.toMatch(/BEGIN [A-Z ]*(CERTIFICATE|KEY)/);
  });
});

test('without a GitLab CA, no tls-ca-file and no CA volume', () => {
  const rendered = render(twoArchCluster());
  for (const arch of ['amd64', 'arm64']) {
    expect(rendered.runnerConfig(`gitlab-runner-${arch}`).runners[0]['tls-ca-file']).toBeUndefined();
    expect(rendered.get('Deployment', `gitlab-runner-${arch}`).spec.template.spec.volumes.map((v: any) => v.name)).not.toContain('gitlab-ca');
  }
});
