import type { ClusterDefinition } from '../lib/definition';

/**
 * Staging: a small fleet for trying runner and pool changes before production. Spot only, one manager per
 * architecture, tokens created by hand as Secrets, no shared cache, no Prometheus.
 */
export const staging: ClusterDefinition = {
  name: 'staging',
  region: 'eu-west-1',
  kubernetesVersion: '1.35',
  runners: [
    {
      arch: 'amd64',
      tags: ['linux', 'staging'],
      concurrent: 4,
      replicas: 1,
      jobTimeout: '1h',
      token: { source: 'existing-secret', secretName: 'gitlab-runner-amd64-token' },
      nodePool: { cpuLimit: '32', memoryLimit: '128Gi', consolidateAfter: '2m', expireAfter: '72h' },
    },
    {
      arch: 'arm64',
      tags: ['linux', 'staging'],
      concurrent: 4,
      replicas: 1,
      jobTimeout: '1h',
      token: { source: 'existing-secret', secretName: 'gitlab-runner-arm64-token' },
      nodePool: { cpuLimit: '32', memoryLimit: '128Gi', consolidateAfter: '2m', expireAfter: '72h' },
    },
  ],
  metrics: false,
};
