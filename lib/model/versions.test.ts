import versions from '../versions.json';
import { checkPlatformVersions, karpenterVersion, VersionPinError } from './versions';

const pins = { ...versions };

describe('the platform version pins', () => {
  test('of lib/versions.json are exact and supported', () => {
    expect(checkPlatformVersions(pins)).toEqual({
      karpenter: versions.karpenter,
      externalSecretsChart: versions.externalSecrets.chart,
      eksctl: versions.eksctl,
      flux: versions.flux.distribution,
      gitlabRunner: versions.gitlabRunner,
      amiAlias: versions.amiAlias,
    });
  });

  test('reject an unpinned gitlab-runner release and an AMI alias on @latest', () => {
    expect(() => checkPlatformVersions({ ...pins, gitlabRunner: '19' })).toThrow(/gitlabRunner: must be an exact version .* got "19"/);
    expect(() => checkPlatformVersions({ ...pins, amiAlias: 'al2023@latest' })).toThrow(
      /amiAlias: must be a pinned EKS AMI alias such as al2023@v20251117 \(never @latest\), got "al2023@latest"/,
    );
  });

  test.each([
    ['a range', '^1.14.0', /karpenter: must be an exact version such as 1\.2\.3 .* got "\^1\.14\.0"/],
    ['a tag', 'latest', /karpenter: must be an exact version .* got "latest"/],
    ['a v-prefixed version', 'v1.14.3', /karpenter: must be an exact version .* got "v1\.14\.3"/],
    ['a minor nobody checked', '1.15.0', /karpenter: 1\.15\.0 is not a Karpenter minor this repository was checked against \(1\.14\.x\)/],
    ['an old minor', '1.8.2', /karpenter: 1\.8\.2 is not a Karpenter minor/],
  ])('reject a Karpenter version that is %s, naming key, value and what is allowed', (_what, karpenter, message) => {
    expect(() => checkPlatformVersions({ ...pins, karpenter })).toThrow(VersionPinError);
    expect(() => checkPlatformVersions({ ...pins, karpenter })).toThrow(message);
  });

  test('reject a placeholder External Secrets chart and an unsupported major', () => {
    expect(() => checkPlatformVersions({ ...pins, externalSecrets: { chart: 'TBD' } })).toThrow(/externalSecrets\.chart: must be an exact version .* got "TBD"/);
    expect(() => checkPlatformVersions({ ...pins, externalSecrets: { chart: '0.16.2' } })).toThrow(/0\.16\.2 is not a supported major \(2\.x\)/);
  });

  test('list every problem at once', () => {
    const error = (() => {
      try {
        checkPlatformVersions({ ...pins, karpenter: undefined, eksctl: '0.230', flux: {} });
      } catch (e) {
        return e as VersionPinError;
      }
      throw new Error('no error');
    })();
    expect(error.problems).toHaveLength(3);
  });

  test('check a version a chart is asked for like a pin', () => {
    expect(karpenterVersion()).toBe(versions.karpenter);
    expect(karpenterVersion('1.14.0')).toBe('1.14.0');
    expect(() => karpenterVersion('2.0.0')).toThrow(/2\.0\.0 is not a Karpenter minor/);
  });
});
