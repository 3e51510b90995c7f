/**
 * Runtime validation of cluster definitions, so that a definition loaded from plain data (or a typo a type
 * cast let through) is rejected with the field, the value and what is allowed — before anything is written.
 * The schema is typed against the interfaces in definition.ts, so the two cannot drift apart.
 */
import { z } from 'zod';
import versions from '../versions.json';
import {
  ARCHITECTURES,
  CAPACITY_TYPES,
  CONSOLIDATION_POLICIES,
  INSTANCE_CATEGORY_MEMORY_PER_VCPU,
  type ClusterDefinition,
  type InstanceCategory,
} from './definition';
import { isDuration } from './duration';
import { isQuantity } from './quantity';

const DNS_LABEL = /^[a-z]([a-z0-9-]*[a-z0-9])?$/;

/** An EKS-optimized AMI alias pinned to a release: never `@latest`. */
export const PINNED_AMI_ALIAS = /^(al2023@v[0-9]{8}|bottlerocket@v[0-9]+\.[0-9]+\.[0-9]+)$/;

function oneOf(values: readonly string[]): string {
  return values.map((v) => `"${v}"`).join(', ');
}

/** A strict object: unknown keys are an error that lists the keys allowed. */
function strictObject<T extends z.ZodRawShape>(shape: T) {
  const allowed = Object.keys(shape).join(', ');
  return z.strictObject(shape, {
    error: (issue) =>
      issue.code === 'unrecognized_keys'
        ? `unknown key${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `"${k}"`).join(', ')}; allowed: ${allowed}`
        : issue.code === 'invalid_type'
          ? `must be an object with keys ${allowed}`
          : undefined,
  });
}

const text = (what: string) => z.string({ error: `must be ${what}` });

const dnsLabel = (maxLength: number) =>
  text('a string')
    .max(maxLength, { error: `must be at most ${maxLength} characters` })
    .regex(DNS_LABEL, { error: 'must be lowercase letters, digits and dashes, starting with a letter' });

const wholeNumber = (min: number, max: number) =>
  z.int({ error: `must be a whole number from ${min} to ${max}` }).min(min, {
    error: `must be a whole number from ${min} to ${max}`,
  }).max(max, { error: `must be a whole number from ${min} to ${max}` });

const quantity = text('a Kubernetes quantity').refine(isQuantity, {
  error: 'must be a Kubernetes quantity such as 500m, 2, 512Mi or 4Gi',
});

const duration = text('a duration').refine(isDuration, { error: 'must be a duration such as 90m, 3h or 1h30m' });

const durationOrNever = text('a duration or "Never"').refine((v) => v === 'Never' || isDuration(v), {
  error: 'must be a duration such as 30m or 168h, or "Never"',
});

function enumOf<const T extends readonly [string, ...string[]]>(values: T) {
  return z.enum(values, { error: `must be one of ${oneOf(values)}` });
}

function uniqueList<T extends z.ZodType>(item: T, what: string) {
  return z
    .array(item, { error: `must be a list of ${what}` })
    .min(1, { error: `must list at least one ${what}` })
    .refine((list) => new Set(list).size === list.length, { error: `must not repeat a ${what}` })
    .readonly();
}

const jobResources = strictObject({
  cpu: quantity.optional(),
  memory: quantity.optional(),
  ephemeralStorage: quantity.optional(),
});

const instanceCategories = Object.keys(INSTANCE_CATEGORY_MEMORY_PER_VCPU) as [InstanceCategory, ...InstanceCategory[]];

const tokenSource = z.discriminatedUnion(
  'source',
  [
    strictObject({
      source: z.literal('aws-secrets-manager'),
      secretId: text('a Secrets Manager secret name or ARN').regex(/^[A-Za-z0-9/_+=.@:-]{1,2048}$/, {
        error: 'must be a Secrets Manager secret name or ARN (letters, digits and /_+=.@:-)',
      }),
      property: text('a JSON property name').min(1).optional(),
    }),
    strictObject({
      source: z.literal('existing-secret'),
      secretName: dnsLabel(63),
      key: text('a Secret key')
        .regex(/^[-._a-zA-Z0-9]+$/, { error: 'must be a Secret key (letters, digits, "-", "_", ".")' })
        .optional(),
    }),
  ],
  { error: 'must have source "aws-secrets-manager" (with secretId) or "existing-secret" (with secretName)' },
);

const nodePool = strictObject({
  capacityTypes: uniqueList(enumOf(CAPACITY_TYPES), 'capacity type').optional(),
  instanceCategories: uniqueList(enumOf(instanceCategories), 'instance category').optional(),
  minInstanceGeneration: wholeNumber(1, 10).optional(),
  instanceFamilies: uniqueList(
    text('an instance family').regex(/^[cmr][0-9]+[a-z]*(-flex)?$/, {
      error: 'must be a c, m or r instance family such as c7g, m7i or r6gd',
    }),
    'instance family',
  ).optional(),
  minInstanceCpu: wholeNumber(1, 192).optional(),
  maxInstanceCpu: wholeNumber(1, 192).optional(),
  cpuLimit: quantity.optional(),
  memoryLimit: quantity.optional(),
  consolidationPolicy: enumOf(CONSOLIDATION_POLICIES).optional(),
  consolidateAfter: durationOrNever.optional(),
  expireAfter: durationOrNever.optional(),
  disruptionBudget: text('a node count or percentage')
    .regex(/^([0-9]+|[0-9]{1,2}%|100%)$/, { error: 'must be a node count such as 2 or a percentage such as 10%' })
    .optional(),
});

const image = text('a container image').regex(
  /^[a-z0-9]+([._/-][a-z0-9]+)*(:[0-9]+)?(\/[a-z0-9]+([._-][a-z0-9]+)*)*(:[A-Za-z0-9_][A-Za-z0-9_.-]{0,127})?(@sha256:[a-f0-9]{64})?$/,
  { error: 'must be a container image reference such as alpine:3.22' },
).refine((ref) => /(:[A-Za-z0-9_][A-Za-z0-9_.-]*|@sha256:[a-f0-9]{64})$/.test(ref) && !ref.endsWith(':latest'), {
  error: 'must be pinned to a version tag or digest (not :latest, not untagged)',
});

const runner = strictObject({
  arch: enumOf(ARCHITECTURES),
  name: dnsLabel(20).optional(),
  tags: z
    .array(
      text('a tag').regex(/^[A-Za-z0-9][A-Za-z0-9._:/-]{0,62}$/, {
        error: 'must be a GitLab runner tag: letters, digits and ._:/- (no commas, no spaces), at most 63 characters',
      }),
      { error: 'must be a list of tags' },
    )
    .refine((list) => new Set(list).size === list.length, { error: 'must not repeat a tag' })
    .readonly()
    .optional(),
  runUntagged: z.boolean({ error: 'must be true or false' }).optional(),
  concurrent: wholeNumber(1, 500).optional(),
  replicas: wholeNumber(1, 10).optional(),
  jobTimeout: duration.optional(),
  jobDefaults: jobResources.optional(),
  jobMaximum: jobResources.optional(),
  defaultImage: image.optional(),
  token: tokenSource,
  nodePool: nodePool.optional(),
});

const supportedVersions = versions.kubernetes.supported as [string, ...string[]];

export const clusterDefinitionSchema = strictObject({
  name: dnsLabel(40),
  region: text('an AWS region').regex(/^[a-z]{2}(-gov|-iso[a-z]?)?-(north|south|east|west|central)(east|west)?-[0-9]$/, {
    error: 'must be an AWS region such as eu-west-1 or us-east-2',
  }),
  kubernetesVersion: z
    .enum(supportedVersions, { error: `must be a Kubernetes version EKS offers: ${oneOf(supportedVersions)}` })
    .optional(),
  gitlabUrl: text('an https URL')
    .refine(
      (value) => {
        try {
          const url = new URL(value);
          return url.protocol === 'https:' && !url.search && !url.hash && !url.username && !url.password;
        } catch {
          return false;
        }
      },
      { error: 'must be an https URL of a GitLab instance, such as https://gitlab.com' },
    )
    .optional(),
  runners: z.array(runner, { error: 'must be a list of runners' }).min(1, { error: 'must list at least one runner' }).readonly(),
  nodeClass: strictObject({
    amiAlias: text('an AMI alias')
      .regex(PINNED_AMI_ALIAS, {
        error: 'must be a pinned EKS AMI alias such as al2023@v20251117 or bottlerocket@v1.50.0 (never @latest)',
      })
      .optional(),
    nodeRole: text('an IAM role name')
      .regex(/^[\w+=,.@-]{1,64}$/, { error: 'must be an IAM role name (at most 64 of letters, digits, +=,.@_-)' })
      .optional(),
    rootVolumeSize: quantity.optional(),
  }).optional(),
  cache: strictObject({
    bucket: text('an S3 bucket name').regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, {
      error: 'must be an S3 bucket name (3–63 lowercase letters, digits, dots and dashes)',
    }),
    region: text('an AWS region').regex(/^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-[0-9]$/, {
      error: 'must be an AWS region such as eu-west-1',
    }).optional(),
  }).optional(),
  metrics: z.boolean({ error: 'must be true or false' }).optional(),
}) satisfies z.ZodType<ClusterDefinition>;

/** Renders a zod path as people write it: runners[0].nodePool.cpuLimit. */
function formatPath(path: readonly PropertyKey[]): string {
  return path
    .map((part, i) => (typeof part === 'number' ? `[${part}]` : `${i === 0 ? '' : '.'}${String(part)}`))
    .join('');
}

function formatValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  const json = JSON.stringify(value);
  return json.length > 80 ? `${json.slice(0, 77)}...` : json;
}

/** One problem with a definition: where, what was given, what is allowed. */
export interface DefinitionProblem {
  readonly path: string;
  readonly message: string;
}

/** Checks the shape of a definition; returns every problem, formatted `path: message, got value`. */
export function checkShape(input: unknown): DefinitionProblem[] {
  const result = clusterDefinitionSchema.safeParse(input, { reportInput: true });
  if (result.success) return [];
  return result.error.issues.map((issue) => {
    // A discriminator issue carries the whole object; show the value at the path instead.
    const last = issue.path[issue.path.length - 1];
    const input =
      typeof last === 'string' && issue.input !== null && typeof issue.input === 'object' && last in issue.input
        ? (issue.input as Record<string, unknown>)[last]
        : issue.input;
    const got = issue.code === 'unrecognized_keys' ? '' : `, got ${formatValue(input)}`;
    return { path: formatPath(issue.path), message: `${issue.message}${got}` };
  });
}
