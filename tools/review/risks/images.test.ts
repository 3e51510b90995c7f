import { editObject, editRunnerConfig, renderObjects, runCheck } from '../testing';
import { imagesMoved, parseImage, unpinned } from './images';

const base = renderObjects();

describe('parseImage and unpinned', () => {
  it('split registry ports from tags and tell pinned from unpinned references', () => {
    expect(parseImage('localhost:5000/a/b:1.2@sha256:abc')).toEqual({ repository: 'localhost:5000/a/b', tag: '1.2', digest: 'sha256:abc' });
    expect(parseImage('localhost:5000/a/b')).toEqual({ repository: 'localhost:5000/a/b' });
    expect(unpinned('alpine')).toBe('no tag (means :latest)');
    expect(unpinned('alpine:latest')).toBe(':latest');
    expect(unpinned('alpine:latest@sha256:abc')).toBeUndefined();
    expect(unpinned('alpine:3.22')).toBeUndefined();
  });
});

describe('imagesMoved', () => {
  it('flags the manager image’s tag moving', () => {
    const head = editObject(base, { kind: 'Deployment', name: 'gitlab-runner-amd64' }, (b) => {
      b.spec.template.spec.containers[0].image = 'registry.gitlab.com/gitlab-org/gitlab-runner:alpine-v19.5.0';
    });
    expect(runCheck(imagesMoved, base, head)).toEqual([
      {
        kind: 'image',
        cluster: 'staging',
        object: 'Deployment gitlab-runner/gitlab-runner-amd64',
        field: 'spec.template.spec.containers[gitlab-runner].image',
        message: 'tag moves: registry.gitlab.com/gitlab-org/gitlab-runner:alpine-v19.4.1 → registry.gitlab.com/gitlab-org/gitlab-runner:alpine-v19.5.0',
      },
    ]);
  });

  it('flags the default job image becoming unpinned in config.toml', () => {
    const head = editObject(base, { kind: 'ConfigMap', name: 'gitlab-runner-amd64' }, (b) =>
      editRunnerConfig(b, (toml) => toml.replace('image = "alpine:3.22"', 'image = "alpine"')),
    );
    expect(runCheck(imagesMoved, base, head).map((h) => `${h.field}: ${h.message}`)).toEqual([
      'config.template.toml › runners[staging-amd64].kubernetes.image: alpine is unpinned: no tag (means :latest)',
    ]);
  });

  it('is silent when nothing changed', () => {
    expect(runCheck(imagesMoved, base, renderObjects())).toEqual([]);
  });
});
