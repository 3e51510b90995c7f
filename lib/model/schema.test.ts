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
    ['a CPU quantity like 2cores', cluster({}, { jobMaximum: { cpu: '2cores' } }), /^runners\[0\]\.jobMaximum\.cpu: must be a Kubernetes quantity .* got "2cores"$/],
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
