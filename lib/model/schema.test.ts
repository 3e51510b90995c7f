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
    (v: string) => cluster({ nodeClass: { rootVolumeSize: v } }),
  ];
  test.each(['0', '0m', '0.0', '2Gi', '2k', '2cores', '-1', '1e3', ' 2', '2 ', '.5', ''])('CPU %j is refused in every CPU field', (value) => {
    for (const field of cpuFields) expect(checkShape(field(value))).toEqual([{ path: expect.any(String), message: expect.stringMatching(/^must be a CPU quantity/) }]);
  });
  test.each(['256', '0Gi', '0', '512m', '8gi', '8GB', '8 Gi', '-1Gi', '1e9', ''])('memory or storage %j is refused in every byte field', (value) => {
    for (const field of byteFields) {
      expect(checkShape(field(value))).toEqual([{ path: expect.any(String), message: expect.stringMatching(/^must be a memory or storage quantity .*with a unit/) }]);
    }
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
