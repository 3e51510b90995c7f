import type { ClusterDefinition } from '../lib/definition';

/**
 * Production: the fleet every project builds on. Two managers per runner, tokens from AWS Secrets Manager, an S3
 * cache, spot with on-demand fallback, Graviton families chosen by hand, and a large-memory amd64 runner for the
 * few jobs that need it (tag `large`).
 */
export const production: ClusterDefinition = {
  name: 'production',
  region: 'eu-central-1',
  kubernetesVersion: '1.35',
  gitlabUrl: 'https://gitlab.example.com',
  runners: [
    {
      arch: 'amd64',
      tags: ['linux', 'production'],
      concurrent: 20,
      jobTimeout: '3h',
      jobMaximum: { cpu: '8', memory: '16Gi', ephemeralStorage: '80Gi' },
      token: { source: 'aws-secrets-manager', secretId: 'gitlab-runner/production/amd64', property: 'token' },
      nodePool: {
        capacityTypes: ['spot', 'on-demand'],
        instanceCategories: ['c', 'm'],
        minInstanceGeneration: 6,
        maxInstanceCpu: 32,
        cpuLimit: '256',
        memoryLimit: '1024Gi',
      },
    },
    {
      arch: 'arm64',
      tags: ['linux', 'production'],
      concurrent: 20,
      jobTimeout: '3h',
      jobMaximum: { cpu: '8', memory: '16Gi', ephemeralStorage: '80Gi' },
      token: { source: 'aws-secrets-manager', secretId: 'gitlab-runner/production/arm64', property: 'token' },
      nodePool: {
        capacityTypes: ['spot', 'on-demand'],
        instanceFamilies: ['c7g', 'm7g', 'c8g', 'm8g'],
        maxInstanceCpu: 32,
        cpuLimit: '256',
        memoryLimit: '1024Gi',
      },
    },
    {
      arch: 'amd64',
      name: 'amd64-large',
      tags: ['linux', 'production', 'large'],
      concurrent: 4,
      jobTimeout: '3h',
      jobDefaults: { cpu: '4', memory: '32Gi', ephemeralStorage: '50Gi' },
      jobMaximum: { cpu: '16', memory: '96Gi', ephemeralStorage: '150Gi' },
      token: { source: 'aws-secrets-manager', secretId: 'gitlab-runner/production/amd64-large', property: 'token' },
      nodePool: {
        capacityTypes: ['on-demand'],
        instanceCategories: ['r'],
        minInstanceCpu: 8,
        maxInstanceCpu: 32,
        cpuLimit: '64',
        memoryLimit: '512Gi',
        consolidateAfter: '1m',
      },
    },
  ],
  nodeClass: { rootVolumeSize: '200Gi' },
  cache: { bucket: 'example-gitlab-runner-cache-production' },
  metrics: true,
};
