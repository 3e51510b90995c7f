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
import { isDuration, parseDuration } from './duration';
import { toPlainData } from './plain-data';
import { formatPath, isWithin, type DefinitionProblem } from './problems';
import { isQuantity, parseQuantity } from './quantity';
import { findSecrets } from './secrets';
import { showValue } from './show-value';

export type { DefinitionProblem } from './problems';

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

/** CPU: cores or millicores, more than zero ("2cores" or "2Gi" of CPU is a mistake, not 2^31 cores). */
const cpuQuantity = text('a CPU quantity').refine((v) => /^[0-9]+(\.[0-9]+)?m?$/.test(v) && parseQuantity(v) > 0, {
  error: 'must be a CPU quantity above zero, in cores or millicores, such as 500m, 2 or 1.5',
});

/** Memory and storage: bytes with a unit, more than zero ("256" is 256 bytes, "512m" is half a byte). */
const byteQuantity = text('a memory or storage quantity').refine(
  (v) => isQuantity(v) && /[kMGTPE]i?$|[KMGTPE]i$/.test(v) && parseQuantity(v) > 0,
  { error: 'must be a memory or storage quantity above zero with a unit, such as 512Mi, 8Gi or 1Ti' },
);

/** The longest duration Go (Karpenter, the runner) can hold: 2562047h. */
const GO_MAX_DURATION_SECONDS = 2562047 * 3600;

/** GitLab refuses a runner maximum timeout under 10 minutes and project timeouts of a month or more. */
const JOB_TIMEOUT_SECONDS = { min: 600, max: 720 * 3600 } as const;

const jobTimeout = text('a duration').refine(
  (v) => isDuration(v) && parseDuration(v) >= JOB_TIMEOUT_SECONDS.min && parseDuration(v) <= JOB_TIMEOUT_SECONDS.max,
  { error: 'must be a duration from 10m (GitLab\'s shortest maximum timeout) to 720h (GitLab\'s one month), such as 90m, 3h or 1h30m' },
);

const durationOrNever = (least: 0 | 1) =>
  text('a duration or "Never"').refine(
    (v) => v === 'Never' || (isDuration(v) && parseDuration(v) >= least && parseDuration(v) <= GO_MAX_DURATION_SECONDS),
    { error: `must be a duration ${least ? 'above zero' : 'from 0s'} up to 2562047h, such as 30m or 168h, or "Never"` },
  );

const AWS_REGION = /^[a-z]{2}(-gov|-iso[a-z]?)?-(north|south|east|west|central)(east|west)?-[0-9]$/;
const awsRegion = text('an AWS region').regex(AWS_REGION, { error: 'must be an AWS region such as eu-west-1 or us-east-2' });

/**
 * S3's rules for general purpose bucket names, and no dots: a dotted name breaks the TLS certificate of
 * virtual-hosted HTTPS, which the runner's S3 client uses.
 */
export function s3BucketNameProblem(name: string): string | undefined {
  if (name.length < 3 || name.length > 63) return 'must be 3 to 63 characters';
  if (!/^[a-z0-9-.]+$/.test(name)) return 'must be lowercase letters, digits and dashes';
  if (name.includes('.')) return 'must not contain dots (they break virtual-hosted HTTPS to S3)';
  if (!/^[a-z0-9].*[a-z0-9]$/.test(name)) return 'must start and end with a letter or digit';
  for (const prefix of ['xn--', 'sthree-', 'amzn-s3-demo-']) if (name.startsWith(prefix)) return `must not start with "${prefix}" (reserved by S3)`;
  for (const suffix of ['-s3alias', '--ol-s3', '--x-s3', '--table-s3']) if (name.endsWith(suffix)) return `must not end with "${suffix}" (reserved by S3)`;
  return undefined;
}

/**
 * The GitLab URL exactly as it will be rendered: https, no credentials, query or fragment, and written the way a
 * URL parser writes it back (no surrounding spaces, no "https:gitlab.com" the parser would repair, lowercase
 * host), so that what is checked is what the runner is given.
 */
function gitlabUrlProblem(value: string): string | undefined {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return 'must be an https URL of a GitLab instance, such as https://gitlab.com';
  }
  if (url.protocol !== 'https:') return 'must be an https URL of a GitLab instance, such as https://gitlab.com';
  if (url.username || url.password) return 'must not carry credentials (the runner authenticates with its token)';
  if (url.search || url.hash) return 'must not have a query or fragment';
  if (value !== url.href && `${value}/` !== url.href) return `must be written as a URL parser writes it, ${JSON.stringify(url.href.replace(/\/$/, ''))}`;
  return undefined;
}

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
  cpu: cpuQuantity.optional(),
  memory: byteQuantity.optional(),
  ephemeralStorage: byteQuantity.optional(),
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
  cpuLimit: cpuQuantity.optional(),
  memoryLimit: byteQuantity.optional(),
  consolidationPolicy: enumOf(CONSOLIDATION_POLICIES).optional(),
  consolidateAfter: durationOrNever(0).optional(),
  expireAfter: durationOrNever(1).optional(),
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
  archTag: z.boolean({ error: 'must be true or false' }).optional(),
  sharesJobsWith: z
    .array(dnsLabel(20), { error: 'must be a list of runner names' })
    .refine((list) => new Set(list).size === list.length, { error: 'must not repeat a runner' })
    .readonly()
    .optional(),
  runUntagged: z.boolean({ error: 'must be true or false' }).optional(),
  concurrent: wholeNumber(1, 500).optional(),
  replicas: wholeNumber(1, 10).optional(),
  retiring: z.boolean({ error: 'must be true or false' }).optional(),
  jobTimeout: jobTimeout.optional(),
  jobDefaults: jobResources.optional(),
  jobMaximum: jobResources.optional(),
  defaultImage: image.optional(),
  token: tokenSource,
  tokenRevision: text('a token revision')
    .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/, {
      error: 'must be a short name such as 2026-12-02 or r7 (letters, digits, "._-", at most 63 characters)',
    })
    .optional(),
  nodePool: nodePool.optional(),
});

const supportedVersions = versions.kubernetes.supported as [string, ...string[]];

export const clusterDefinitionSchema = strictObject({
  name: dnsLabel(40),
  region: awsRegion,
  kubernetesVersion: z
    .enum(supportedVersions, { error: `must be a Kubernetes version EKS offers: ${oneOf(supportedVersions)}` })
    .optional(),
  gitlabUrl: text('an https URL')
    .check((ctx) => {
      const problem = gitlabUrlProblem(ctx.value);
      if (problem) ctx.issues.push({ code: 'custom', message: problem, input: ctx.value });
    })
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
    rootVolumeSize: byteQuantity.optional(),
  }).optional(),
  cache: strictObject({
    bucket: text('an S3 bucket name').check((ctx) => {
      const problem = s3BucketNameProblem(ctx.value);
      if (problem) ctx.issues.push({ code: 'custom', message: `must be an S3 bucket name: ${problem}`, input: ctx.value });
    }),
    region: awsRegion.optional(),
  }).optional(),
  metrics: z.boolean({ error: 'must be true or false' }).optional(),
  monitoringNamespace: dnsLabel(63).optional(),
}) satisfies z.ZodType<ClusterDefinition>;

/** A definition read: the validated copy (only when there is no problem) and every problem found. */
export interface ReadDefinition {
  readonly definition?: ClusterDefinition;
  readonly problems: DefinitionProblem[];
}

/**
 * Reads a definition as written: copies it as plain data (lib/model/plain-data.ts), refuses secrets in it, then
 * checks its shape. Everything after reads only the returned copy, so what was checked is what is rendered.
 * Each problem is `path: message, got value`, one per field (a field refused as non-data or as a secret is not
 * reported again by the shape check).
 */
export function readDefinition(input: unknown): ReadDefinition {
  const plain = toPlainData(input);
  const secrets = findSecrets(plain.data);
  const early = [...plain.problems, ...secrets];
  const result = clusterDefinitionSchema.safeParse(plain.data, { reportInput: true });
  const shape = result.success
    ? []
    : result.error.issues.map((issue) => {
        // A discriminator issue carries the whole object; show the value at the path instead.
        const last = issue.path[issue.path.length - 1];
        const input =
          typeof last === 'string' && issue.input !== null && typeof issue.input === 'object' && last in issue.input
            ? (issue.input as Record<string, unknown>)[last]
            : issue.input;
        const got = issue.code === 'unrecognized_keys' ? '' : `, got ${showValue(input)}`;
        return { path: formatPath(issue.path), message: `${issue.message}${got}` };
      });
  const problems = [...early, ...shape.filter((p) => !early.some((e) => isWithin(p.path, e.path)))];
  return problems.length || !result.success ? { problems } : { definition: result.data as ClusterDefinition, problems };
}

/** Checks the shape of a definition; returns every problem, formatted `path: message, got value`. */
export function checkShape(input: unknown): DefinitionProblem[] {
  return readDefinition(input).problems;
}
