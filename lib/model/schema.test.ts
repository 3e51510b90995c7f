import { generationOf, INSTANCE_FAMILIES, NEWEST_INSTANCE_GENERATION } from './instance-families';
import { checkShape } from './schema';
import { resolveCluster } from './resolve';
import { cluster, problemsOf } from './testing';

describe('the shape of a definition: each mistake names the field, the value and what is allowed', () => {
  test.each<[string, unknown, RegExp]>([
    ['an unknown architecture', cluster({}, { arch: 'x86' as never }), /^runners\[0\]\.arch: must be one of "amd64", "arm64", got "x86"$/],
    ['zero concurrency', cluster({}, { concurrent: 0 }), /^runners\[0\]\.concurrent: must be a whole number from 1 to 500, got 0$/],
    ['negative concurrency', cluster({}, { concurrent: -3 }), /^runners\[0\]\.concurrent: .* got -3$/],
    ['fractional concurrency', cluster({}, { concurrent: 2.5 }), /^runners\[0\]\.concurrent: must be a whole number .* got 2\.5$/],
    ['a malformed GitLab URL', cluster({ gitlabUrl: 'gitlab.example.com' }), /^gitlabUrl: must be an https URL .* got "gitlab\.example\.com"$/],
    ['a plain-http GitLab URL', cluster({ gitlabUrl: 'http://gitlab.example.com' }), /^gitlabUrl: must be an https URL/],
    ['a tag with a comma', cluster({}, { tags: ['docker,linux'] }), /^runners\[0\]\.tags\[0\]: .*no commas, no spaces.* got "docker,linux"$/],
    ['a tag with a space', cluster({}, { tags: ['big job'] }), /^runners\[0\]\.tags\[0\]: .* got "big job"$/],
    ['a CPU quantity like 2cores', cluster({}, { jobMaximum: { cpu: '2cores' } }), /^runners\[0\]\.jobMaximum\.cpu: must be a CPU quantity .* got "2cores"$/],
    ['a Kubernetes version EKS does not offer', cluster({ kubernetesVersion: '1.21' }), /^kubernetesVersion: must be a Kubernetes version EKS offers: .*"1\.35".* got "1\.21"$/],
    ['an unknown region', cluster({ region: 'europe-1' }), /^region: must be an AWS region .* got "europe-1"$/],
    ['an uppercase cluster name', cluster({ name: 'Prod' }), /^name: must be lowercase .* got "Prod"$/],
    ['an unpinned default image', cluster({}, { defaultImage: 'alpine:latest' }), /^runners\[0\]\.defaultImage: must be pinned .* got "alpine:latest"$/],
    ['an unknown capacity type', cluster({}, { nodePool: { capacityTypes: ['reserved' as never] } }), /^runners\[0\]\.nodePool\.capacityTypes\[0\]: must be one of "spot", "on-demand", got "reserved"$/],
    ['an AMI alias on @latest', cluster({ nodeClass: { amiAlias: 'al2023@latest' } }), /^nodeClass\.amiAlias: must be a pinned EKS AMI alias .* got "al2023@latest"$/],
    ['a token source that is neither kind', cluster({}, { token: { source: 'vault' } as never }), /^runners\[0\]\.token\.source: must have source "aws-secrets-manager" .* got "vault"$/],
    ['no runners', cluster({ runners: [] }), /^runners: must list at least one runner, got \[\]$/],
    ['a system failure ratio above 1', cluster({ alerts: { systemFailureRatio: 5 } }), /^alerts\.systemFailureRatio: must be a number greater than 0 and at most 1, got 5$/],
    ['a ratio of 0, which would always fire', cluster({ alerts: { systemFailureRatio: 0 } }), /^alerts\.systemFailureRatio: .* got 0$/],
    ['a pending time that is not a duration', cluster({ alerts: { jobPodPendingFor: 'ten minutes' } }), /^alerts\.jobPodPendingFor: must be a duration .* got "ten minutes"$/],
    ['zero launch failures', cluster({ alerts: { nodeLaunchFailures: 0 } }), /^alerts\.nodeLaunchFailures: must be a whole number from 1 to 1000, got 0$/],
    ['a rule label with a space', cluster({ alerts: { ruleLabels: { release: 'kube prometheus' } } }), /^alerts\.ruleLabels\.release: must be a Kubernetes label value, got "kube prometheus"$/],
    ['a sidecar label without a value', cluster({ dashboard: { sidecarLabel: 'grafana_dashboard' } }), /^dashboard\.sidecarLabel: must be a Kubernetes label as key=value.* got "grafana_dashboard"$/],
    ['a GitLab project given as a URL', cluster({ notifications: { gitlabProject: 'https://gitlab.com/a/b' } }), /^notifications\.gitlabProject: must be a GitLab project path .* got "https:\/\/gitlab\.com\/a\/b"$/],
    ['a GitLab project without a group', cluster({ notifications: { gitlabProject: 'fleet' } }), /^notifications\.gitlabProject: .* got "fleet"$/],
  ])('%s', (_, definition, expected) => {
    expect(problemsOf(definition)).toEqual([expect.stringMatching(expected)]);
  });

  test('an unknown key in a definition loaded from plain data', () => {
    const fromJson = JSON.parse('{"name":"test","region":"eu-west-1","runners":[{"arch":"arm64","concurency":4,"token":{"source":"existing-secret","secretName":"t"}}]}');
    expect(problemsOf(fromJson)).toEqual([expect.stringMatching(/^runners\[0\]: unknown key "concurency"; allowed: arch, name, tags, .*concurrent/)]);
  });

});

describe('validated as rendered: a GitLab URL is accepted only as it will be rendered', () => {
  const variants = [
    'https://gitlab.example.com',
    'https://gitlab.example.com/',
    'https://gitlab.example.com/gitlab',
    'https://gitlab.example.com:8443/gitlab/',
    ' https://gitlab.example.com',
    'https://gitlab.example.com ',
    '\thttps://gitlab.example.com\n',
    'https:gitlab.example.com',
    'https:/gitlab.example.com',
    'https:///gitlab.example.com',
    'HTTPS://gitlab.example.com',
    'https://GitLab.Example.com',
    'https://gitlab.example.com/a b',
    'https://gitlab.example.com/%7Euser',
    'https://gitlab.example.com/~user',
    'https://gitlab.example.com/./x',
    'https://gitlab.example.com:443',
    'https://gitlab.example.com\\x',
    'https://gitlab.example.com?x=1',
    'https://gitlab.example.com#top',
    'https://user@gitlab.example.com',
    'http://gitlab.example.com',
    'ftp://gitlab.example.com',
    'gitlab.example.com',
    '',
  ];
  test.each(variants)('%j is refused or rendered exactly as written', (url) => {
    const problems = checkShape(cluster({ gitlabUrl: url }));
    if (problems.length) {
      expect(problems).toEqual([{ path: 'gitlabUrl', message: expect.stringMatching(/, got ".*"$/) }]);
    } else {
      expect(resolveCluster(cluster({ gitlabUrl: url })).gitlabUrl).toBe(url.replace(/\/+$/, ''));
    }
  });
  test('the plain forms are accepted', () => {
    for (const url of variants.slice(0, 4)) expect(checkShape(cluster({ gitlabUrl: url }))).toEqual([]);
  });
});

describe('quantities: CPU in cores, memory and storage in bytes with a unit, never zero', () => {
  const cpuFields = [
    (v: string) => cluster({}, { jobDefaults: { cpu: v } }),
    (v: string) => cluster({}, { jobMaximum: { cpu: v } }),
    (v: string) => cluster({}, { nodePool: { cpuLimit: v } }),
  ];
  const byteFields = [
    (v: string) => cluster({}, { jobDefaults: { memory: v } }),
    (v: string) => cluster({}, { jobMaximum: { ephemeralStorage: v } }),
    (v: string) => cluster({}, { nodePool: { memoryLimit: v } }),
  ];
  test.each(['0', '0m', '0.0', '2Gi', '2k', '2cores', '-1', '1e3', ' 2', '2 ', '.5', '', '0.5m', '1.5m', '0.0005', '1.2345'])('CPU %j is refused in every CPU field', (value) => {
    for (const field of cpuFields) expect(checkShape(field(value))).toEqual([{ path: expect.any(String), message: expect.stringMatching(/^must be a CPU quantity/) }]);
  });
  test.each(['256', '0Gi', '0', '512m', '8gi', '8GB', '8 Gi', '-1Gi', '1e9', '', '0.5Ki', '1023Ki', '0.1Mi', '1.3Ki', '1000k'])('memory or storage %j is refused in every byte field', (value) => {
    for (const field of byteFields) {
      expect(checkShape(field(value))).toEqual([{ path: expect.any(String), message: expect.stringMatching(/^must be a memory or storage quantity .*with a unit/) }]);
    }
  });
});

describe('quantities that are accepted: whole millicores, whole bytes of at least 1Mi', () => {
  test.each(['1m', '500m', '1', '1.5', '0.001', '2.125', '64'])('CPU %j is accepted in every CPU field', (value) => {
    for (const field of [{ jobDefaults: { cpu: value } }, { nodePool: { cpuLimit: value } }]) expect(checkShape(cluster({}, field))).toEqual([]);
  });
  test.each(['1Mi', '1024Ki', '1.5Gi', '2G', '8Gi', '1Ti'])('memory %j is accepted', (value) => {
    expect(checkShape(cluster({}, { jobDefaults: { memory: value } }))).toEqual([]);
  });
});

describe('rootVolumeSize: only sizes the pinned Karpenter CRD accepts, in a form that reads plainly', () => {
  // The volumeSize pattern of EC2NodeClass in karpenter-provider-aws v1.14.3 (pkg/apis/crds/karpenter.k8s.aws_ec2nodeclasses.yaml).
  const KARPENTER_VOLUME_SIZE = /^((?:[1-9][0-9]{0,3}|[1-4][0-9]{4}|[5][0-8][0-9]{3}|59000)Gi|(?:[1-9][0-9]{0,3}|[1-5][0-9]{4}|[6][0-3][0-9]{3}|64000)G|([1-9]||[1-5][0-7]|58)Ti|([1-9]||[1-5][0-9]|6[0-3]|64)T)$/;
  test.each(['102400Mi', '100.5Gi', '59001Gi', '0Gi', '18Ti', '58Ti', '100G', '1T', '100', '100gi', '0100Gi', ''])('%j is refused with what is allowed, not a regex', (value) => {
    expect(checkShape(cluster({ nodeClass: { rootVolumeSize: value } }))).toEqual([
      { path: 'nodeClass.rootVolumeSize', message: `must be an EBS volume size Karpenter accepts: a whole number of Gi from 1 to 59000 or of Ti from 1 to 17, such as 100Gi or 2Ti, got ${JSON.stringify(value)}` },
    ]);
  });
  test('every size accepted is one Karpenter accepts', () => {
    const sizes = [...Array.from({ length: 59000 }, (_, i) => `${i + 1}Gi`), ...Array.from({ length: 17 }, (_, i) => `${i + 1}Ti`)];
    for (const size of sizes) expect(KARPENTER_VOLUME_SIZE.test(size)).toBe(true);
    for (const size of ['100Gi', '59000Gi', '17Ti']) expect(checkShape(cluster({ nodeClass: { rootVolumeSize: size } }))).toEqual([]);
  });
});

describe('the token property: a plain JSON property path External Secrets reads as written', () => {
  const withProperty = (property: string) => cluster({}, { token: { source: 'aws-secrets-manager', secretId: 'gitlab-runner/test/amd64', property } });
  test.each(['a b\n${X}', 'a b', 'token\n', '${TOKEN}', 'to*en', 'a|b', '#', '.token', 'token.', 'a..b', ''])('%j is refused', (property) => {
    expect(checkShape(withProperty(property))).toEqual([
      { path: 'runners[0].token.property', message: expect.stringMatching(/^must be a JSON property name: letters, digits, "_" and "-", nested properties joined by "\." .*got /) },
    ]);
  });
  test.each(['token', 'gitlab_token', 'runner-token', 'gitlab.token', 'TOKEN2'])('%j is accepted', (property) => {
    expect(checkShape(withProperty(property))).toEqual([]);
  });
});

describe('monitoringNamespace: never one that would open the managers\' debug port to jobs or system workloads', () => {
  test.each(['gitlab-ci-jobs', 'gitlab-runner', 'kube-system', 'kube-public', 'kube-node-lease', 'default'])('%j is refused', (namespace) => {
    expect(checkShape(cluster({ metrics: true, monitoringNamespace: namespace }))).toEqual([
      { path: 'monitoringNamespace', message: expect.stringMatching(new RegExp(`^must not be .*name the namespace of your Prometheus, such as "monitoring", got "${namespace}"$`)) },
    ]);
  });
  test.each(['monitoring', 'observability', 'prometheus'])('%j is accepted', (namespace) => {
    expect(checkShape(cluster({ monitoringNamespace: namespace }))).toEqual([]);
  });
});

describe('job pools: families and generations that exist, budgets written plainly', () => {
  test.each(['c99', 'c9g', 'm7x', 'r6', 't3', 'c6g-flex', 'C7G', 'm9'])('instance family %j is refused, naming the pinned list', (family) => {
    expect(checkShape(cluster({}, { nodePool: { instanceFamilies: [family] } }))).toEqual([
      { path: 'runners[0].nodePool.instanceFamilies[0]', message: expect.stringMatching(new RegExp(`^must be a c, m or r instance family that exists.*generations 1 to ${NEWEST_INSTANCE_GENERATION};.*karpenter-provider-aws@v1\\.14\\.3.*got `)) },
    ]);
  });
  test.each(['c7i', 'c7i-flex', 'm8g', 'r6gd', 'c5n', 'm5zn'])('instance family %j is accepted', (family) => {
    const arch = /^[a-z]+[0-9]+[a-z]*g/.test(family) ? 'arm64' : 'amd64';
    expect(checkShape(cluster({}, { arch, nodePool: { instanceFamilies: [family] } }))).toEqual([]);
  });
  test('the newest generation is the newest of the pinned list, at least 8 (c8g, m8i, r8g exist)', () => {
    expect(NEWEST_INSTANCE_GENERATION).toBe(Math.max(...INSTANCE_FAMILIES.map(generationOf)));
    expect(NEWEST_INSTANCE_GENERATION).toBeGreaterThanOrEqual(8);
  });
  test.each([0, NEWEST_INSTANCE_GENERATION + 1, 10, 99])('minInstanceGeneration %j is refused: no newer generation exists', (generation) => {
    expect(checkShape(cluster({}, { nodePool: { minInstanceGeneration: generation } }))).toEqual([
      { path: 'runners[0].nodePool.minInstanceGeneration', message: `must be a whole number from 1 to ${NEWEST_INSTANCE_GENERATION}, got ${generation}` },
    ]);
  });
  test.each(['00%', '01', '007', '101%', '1000%', '-1', '10 %', ''])('disruptionBudget %j is refused', (budget) => {
    expect(checkShape(cluster({}, { nodePool: { disruptionBudget: budget } }))).toEqual([
      { path: 'runners[0].nodePool.disruptionBudget', message: expect.stringMatching(/^must be a node count .* without leading zeros, got /) },
    ]);
  });
  test.each(['0', '0%', '1', '10', '5%', '10%', '100%'])('disruptionBudget %j is accepted', (budget) => {
    expect(checkShape(cluster({}, { nodePool: { disruptionBudget: budget } }))).toEqual([]);
  });
});

describe('durations: what GitLab, Karpenter and Go accept', () => {
  test.each(['0s', '5m', '9m59s', '721h', '2562048h', '1.5h', '1d', 'Never', ''])('job timeout %j is refused', (value) => {
    expect(checkShape(cluster({}, { jobTimeout: value }))).toEqual([{ path: 'runners[0].jobTimeout', message: expect.stringMatching(/^must be a duration from 10m/) }]);
  });
  test.each(['10m', '1h30m', '720h'])('job timeout %j is accepted', (value) => {
    expect(checkShape(cluster({}, { jobTimeout: value }))).toEqual([]);
  });
  test.each([
    ['expireAfter', '0s'],
    ['expireAfter', '0h0m'],
    ['expireAfter', '2562048h'],
    ['consolidateAfter', '2562048h'],
    ['consolidateAfter', '99999999999999999999h'],
    ['expireAfter', 'never'],
  ])('%s %j is refused', (field, value) => {
    expect(checkShape(cluster({}, { nodePool: { [field]: value } }))).toEqual([{ path: `runners[0].nodePool.${field}`, message: expect.stringMatching(/^must be a duration/) }]);
  });
  test('consolidating at once is allowed (Karpenter accepts 0s); expiring at once is not', () => {
    expect(checkShape(cluster({}, { nodePool: { consolidateAfter: '0s' } }))).toEqual([]);
  });
});

describe('regions and buckets: every region field as strict as the cluster\'s, S3\'s bucket rules', () => {
  test.each(['eu-west', 'europe-1', 'EU-WEST-1', 'eu-west-1 ', 'eu-wst-1', 'mars-north-1', 'us-east-10'])('region %j is refused in both region fields', (region) => {
    expect(checkShape(cluster({ region }))).toEqual([{ path: 'region', message: expect.stringMatching(/^must be an AWS region/) }]);
    expect(checkShape(cluster({ cache: { bucket: 'runner-cache', region } }))).toEqual([
      { path: 'cache.region', message: expect.stringMatching(/^must be an AWS region/) },
    ]);
  });
  test.each([
    ['ab', /3 to 63/],
    ['a'.repeat(64), /3 to 63/],
    ['Runner-Cache', /lowercase/],
    ['runner_cache', /lowercase/],
    ['runner.cache', /dots/],
    ['runner..cache', /dots/],
    ['192.168.5.4', /dots/],
    ['-runner-cache', /start and end/],
    ['runner-cache-', /start and end/],
    ['xn--runner-cache', /xn--/],
    ['sthree-cache', /sthree-/],
    ['amzn-s3-demo-cache', /amzn-s3-demo-/],
    ['cache-s3alias', /-s3alias/],
    ['cache--ol-s3', /--ol-s3/],
    ['cache--x-s3', /--x-s3/],
    ['cache--table-s3', /--table-s3/],
  ])('bucket %j is refused', (bucket, why) => {
    expect(checkShape(cluster({ cache: { bucket } }))).toEqual([{ path: 'cache.bucket', message: expect.stringMatching(why) }]);
  });
  test.each(['abc', 'runner-cache-123', 'a'.repeat(63)])('bucket %j is accepted', (bucket) => {
    expect(checkShape(cluster({ cache: { bucket } }))).toEqual([]);
  });
});
