import type { ClusterDefinition, JobNodePoolOptions, RunnerDefinition } from '../lib/model/definition';

/** What the general-purpose runners of both architectures share. */
const general: Omit<RunnerDefinition, 'arch' | 'token'> = {
  tags: ['linux', 'production'],
  concurrent: 20,
  jobTimeout: '3h',
  jobMaximum: { cpu: '8', memory: '16Gi', ephemeralStorage: '80Gi' },
};

/**
 * Their pools: spot first, on-demand when spot is short, up to 32 vCPU nodes. No cpuLimit or memoryLimit: they
 * derive from the runner's concurrency (room for every job at its maximum size), so they follow it.
 */
const generalPool: JobNodePoolOptions = {
  capacityTypes: ['spot', 'on-demand'],
  maxInstanceCpu: 32,
};

/**
 * Production: the fleet every project builds on. Two managers per runner, tokens from AWS Secrets Manager, an S3
 * cache, spot with on-demand fallback, Graviton families chosen by hand, and a large-memory amd64 runner for the
 * few jobs that need it (tag `amd64-large`, and no other: ordinary amd64 jobs never land there).
 */
export const production: ClusterDefinition = {
  name: 'production',
  region: 'eu-central-1',
  kubernetesVersion: '1.35',
  gitlabUrl: 'https://gitlab.example.com',
  runners: [
    {
      ...general,
      arch: 'amd64',
      token: { source: 'aws-secrets-manager', secretId: 'gitlab-runner/production/amd64', property: 'token' },
      nodePool: { ...generalPool, instanceCategories: ['c', 'm'], minInstanceGeneration: 6 },
    },
    {
      ...general,
      arch: 'arm64',
      token: { source: 'aws-secrets-manager', secretId: 'gitlab-runner/production/arm64', property: 'token' },
      nodePool: { ...generalPool, instanceFamilies: ['c7g', 'm7g', 'c8g', 'm8g'] },
    },
    {
      arch: 'amd64',
      name: 'amd64-large',
      // Its own tag only: with the plain architecture tag it would also take every ordinary amd64 job.
      tags: ['amd64-large'],
      archTag: false,
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
        consolidateAfter: '1m',
      },
    },
  ],
  nodeClass: { rootVolumeSize: '200Gi' },
  cache: { bucket: 'example-gitlab-runner-cache-production' },
  metrics: true,
};
