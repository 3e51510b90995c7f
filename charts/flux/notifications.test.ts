import { clusterFileRenderers, composeCluster } from '..';
import { fleet } from '../../definitions';
import { cluster as oneRunner } from '../../lib/model/testing';
import { resolveCluster } from '../../lib/model/resolve';
import { renderClusterManifests } from '../../lib/synth/render';
import { renderFleet } from '../../lib/synth/synth';
import { fluxCrdValidators } from '../../lib/synth/crd-schema';
import { GITLAB_PUSH_EVENT, notificationObjects, renderFluxNotifications } from './notifications';

function objectsOf(definition: Parameters<typeof resolveCluster>[0]) {
  const cluster = resolveCluster(definition);
  return notificationObjects(cluster, renderClusterManifests(cluster, composeCluster));
}

const withChat = objectsOf(
  oneRunner({ gitlabUrl: 'https://gitlab.example.com/', notifications: { gitlabProject: 'group/sub/fleet', chat: { type: 'msteams' } } }),
);
const find = (kind: string, name: string) => withChat.find((o) => o.kind === kind && o.metadata.name === name) as Record<string, any>;

test('no notifications in the definition renders no notification object', () => {
  expect(objectsOf(oneRunner())).toEqual([]);
});

test('a gitlab Provider addresses the project on the cluster\'s GitLab, its token only by Secret reference', () => {
  expect(find('Provider', 'gitlab').spec).toEqual({
    type: 'gitlab',
    address: 'https://gitlab.example.com/group/sub/fleet',
    secretRef: { name: 'flux-gitlab-commit-status' },
  });
});

test('the commit-status Alert hears success and failure of every Kustomization', () => {
  expect(find('Alert', 'gitlab-commit-status').spec).toEqual({
    providerRef: { name: 'gitlab' },
    eventSeverity: 'info',
    eventSources: [{ kind: 'Kustomization', name: '*' }],
  });
});

test('the chat Alert hears errors only, from every Kustomization, source and HelmRelease, including those outside flux-system', () => {
  const spec = find('Alert', 'chat-failures').spec;
  expect(spec.eventSeverity).toBe('error');
  expect(find('Provider', 'chat').spec).toEqual({ type: 'msteams', secretRef: { name: 'flux-chat-webhook' } });
  const sources = spec.eventSources.map((s: any) => `${s.kind}/${s.namespace ?? 'flux-system'}`);
  expect(sources).toEqual(expect.arrayContaining(['Kustomization/flux-system', 'GitRepository/flux-system', 'HelmRelease/kube-system', 'OCIRepository/external-secrets']));
  expect(new Set(sources).size).toBe(sources.length);
});

test('without a chat there is no chat Provider or Alert; the commit status and the receiver stay', () => {
  const kinds = objectsOf(oneRunner({ notifications: { gitlabProject: 'a/b' } })).map((o) => `${o.kind}/${o.metadata.name}`);
  expect(kinds.sort()).toEqual(['Alert/gitlab-commit-status', 'Provider/gitlab', 'Receiver/gitlab-push']);
});

test('the Receiver reconciles the bootstrap GitRepository on GitLab push events only', () => {
  expect(find('Receiver', 'gitlab-push').spec).toEqual({
    type: 'gitlab',
    events: [GITLAB_PUSH_EVENT],
    secretRef: { name: 'flux-gitlab-webhook' },
    resources: [{ apiVersion: 'source.toolkit.fluxcd.io/v1', kind: 'GitRepository', name: 'flux-system' }],
  });
});

test('every notification object is in flux-system, in clusters/<cluster>/notifications/, and validates against its pinned CRD', () => {
  const validators = fluxCrdValidators();
  const files = renderFleet(fleet, composeCluster, clusterFileRenderers).filter((f) => f.path.includes('/notifications/'));
  expect(files.length).toBeGreaterThan(0);
  for (const file of files) {
    expect(file.path).toMatch(new RegExp(`^clusters/[a-z-]+/notifications/${file.object!.kind}\\.${file.object!.metadata.name}\\.yaml$`));
    expect(file.object!.metadata.namespace).toBe('flux-system');
    expect(validators.validate(file.object!)).toEqual([]);
  }
});

test('a chat type Flux does not know is rejected by the definition, naming the field', () => {
  expect(() => objectsOf(oneRunner({ notifications: { gitlabProject: 'a/b', chat: { type: 'irc' as never } } }))).toThrow(
    /notifications\.chat\.type: must be one of "slack".*got "irc"/,
  );
  expect(() => renderFluxNotifications(resolveCluster(oneRunner({ notifications: { gitlabProject: 'https://x/a' } })), [])).toThrow(
    /notifications\.gitlabProject: must be a GitLab project path/,
  );
});
