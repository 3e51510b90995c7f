/**
 * The upstream versions the infrastructure layer and the bootstrap configs are written for, read from
 * lib/versions.json (the one place for versions) and checked before anything renders: a version that is a range,
 * a tag such as "latest", a placeholder, or a Karpenter minor whose IAM policy and chart values this code was not
 * written for fails with a message naming the key, the value and what is allowed.
 */
import { UserInputError } from './errors';
import { PINNED_AMI_ALIAS } from './schema';
import versionsJson from '../versions.json';

/**
 * Karpenter minors whose controller IAM policy (bootstrap/karpenter-prerequisites.cfn.yaml) and chart values
 * (charts/infrastructure/karpenter.ts) were checked against the upstream release. Add a minor here only after
 * comparing the new release's getting-started CloudFormation template and chart values with ours.
 */
export const SUPPORTED_KARPENTER_MINORS = ['1.14'] as const;

/** External Secrets chart majors whose values and `external-secrets.io/v1` API the charts were written for. */
export const SUPPORTED_EXTERNAL_SECRETS_MAJORS = ['2'] as const;

const EXACT_SEMVER = /^(\d+)\.(\d+)\.(\d+)$/;

export interface PlatformVersions {
  /** Karpenter version; the karpenter and karpenter-crd chart versions are the same. */
  readonly karpenter: string;
  /** External Secrets Operator chart version. */
  readonly externalSecretsChart: string;
  /** eksctl release the generated ClusterConfig is validated against and the runbook installs. */
  readonly eksctl: string;
  /** Flux distribution the runbook bootstraps. */
  readonly flux: string;
  /** gitlab-runner release of the manager image. */
  readonly gitlabRunner: string;
  /** EKS AMI alias of clusters that name none. */
  readonly amiAlias: string;
}

/** A version pin that cannot be rendered. */
export class VersionPinError extends UserInputError {
  constructor(readonly problems: readonly string[]) {
    super(`lib/versions.json is invalid:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'VersionPinError';
  }
}

function exact(key: string, value: unknown, problems: string[]): RegExpExecArray | undefined {
  const match = typeof value === 'string' ? EXACT_SEMVER.exec(value) : null;
  if (!match) {
    problems.push(`${key}: must be an exact version such as 1.2.3 (no "v", range, tag or placeholder), got ${JSON.stringify(value)}`);
    return undefined;
  }
  return match;
}

/** Checks the pins the infrastructure layer and the bootstrap configs need; throws a VersionPinError listing every problem. */
export function checkPlatformVersions(raw: unknown): PlatformVersions {
  const v = (raw ?? {}) as {
    karpenter?: unknown;
    externalSecrets?: { chart?: unknown };
    eksctl?: unknown;
    flux?: { distribution?: unknown };
    gitlabRunner?: unknown;
    amiAlias?: unknown;
  };
  const problems: string[] = [];
  const karpenter = exact('karpenter', v.karpenter, problems);
  if (karpenter) {
    const minor = `${karpenter[1]}.${karpenter[2]}`;
    if (!(SUPPORTED_KARPENTER_MINORS as readonly string[]).includes(minor)) {
      problems.push(
        `karpenter: ${String(v.karpenter)} is not a Karpenter minor this repository was checked against ` +
          `(${SUPPORTED_KARPENTER_MINORS.map((m) => `${m}.x`).join(', ')}); compare its IAM policy and chart values, ` +
          'then add the minor to SUPPORTED_KARPENTER_MINORS in lib/model/versions.ts',
      );
    }
  }
  const eso = exact('externalSecrets.chart', v.externalSecrets?.chart, problems);
  if (eso && !(SUPPORTED_EXTERNAL_SECRETS_MAJORS as readonly string[]).includes(eso[1]!)) {
    problems.push(
      `externalSecrets.chart: ${String(v.externalSecrets?.chart)} is not a supported major ` +
        `(${SUPPORTED_EXTERNAL_SECRETS_MAJORS.map((m) => `${m}.x`).join(', ')})`,
    );
  }
  exact('eksctl', v.eksctl, problems);
  exact('flux.distribution', v.flux?.distribution, problems);
  exact('gitlabRunner', v.gitlabRunner, problems);
  if (typeof v.amiAlias !== 'string' || !PINNED_AMI_ALIAS.test(v.amiAlias)) {
    problems.push(`amiAlias: must be a pinned EKS AMI alias such as al2023@v20251117 (never @latest), got ${JSON.stringify(v.amiAlias)}`);
  }
  if (problems.length) throw new VersionPinError(problems);
  return {
    karpenter: v.karpenter as string,
    externalSecretsChart: v.externalSecrets!.chart as string,
    eksctl: v.eksctl as string,
    flux: v.flux!.distribution as string,
    gitlabRunner: v.gitlabRunner as string,
    amiAlias: v.amiAlias as string,
  };
}

/** The pins of lib/versions.json, checked. Throws when they cannot be rendered. */
export function platformVersions(): PlatformVersions {
  return checkPlatformVersions(versionsJson);
}

/** The Karpenter version a chart renders: `requested` if given (checked like a pin), else the pin. */
export function karpenterVersion(requested?: string): string {
  return checkPlatformVersions({ ...versionsJson, ...(requested === undefined ? {} : { karpenter: requested }) }).karpenter;
}

/** The External Secrets chart version a chart renders: `requested` if given (checked like a pin), else the pin. */
export function externalSecretsChartVersion(requested?: string): string {
  const pins = versionsJson as { externalSecrets: Record<string, unknown> };
  const externalSecrets = requested === undefined ? pins.externalSecrets : { ...pins.externalSecrets, chart: requested };
  return checkPlatformVersions({ ...versionsJson, externalSecrets }).externalSecretsChart;
}
