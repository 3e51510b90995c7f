import type { ClusterDefinition, RunnerDefinition } from '../lib/model/definition';

/** What both staging runners share: small, one manager, spot only, short-lived nodes. */
const small: Omit<RunnerDefinition, 'arch' | 'token'> = {
  tags: ['linux', 'staging'],
  concurrent: 4,
  replicas: 1,
  jobTimeout: '1h',
  nodePool: { cpuLimit: '32', memoryLimit: '128Gi', consolidateAfter: '2m', expireAfter: '72h' },
};

/**
 * Staging: a small fleet for trying runner and pool changes before production. Spot only, one manager per
 * architecture, tokens created by hand as Secrets, no shared cache, no Prometheus.
 */
export const staging: ClusterDefinition = {
  name: 'staging',
  region: 'eu-west-1',
  kubernetesVersion: '1.35',
  runners: [
    { ...small, arch: 'amd64', token: { source: 'existing-secret', secretName: 'gitlab-runner-amd64-token' } },
    { ...small, arch: 'arm64', token: { source: 'existing-secret', secretName: 'gitlab-runner-arm64-token' } },
  ],
  metrics: false,
};
