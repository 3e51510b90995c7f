/**
 * Which token a runner reads, identified so that two ways of writing one token compare equal: a Secrets Manager
 * secret by region, name and JSON property (an ARN and the plain name of one secret are the same secret), a
 * Kubernetes Secret by name and key. Two runners reading one token get each other's jobs, in one cluster or across
 * clusters; the checks in consistency.ts (one cluster) and fleet.ts (every cluster) use these.
 */
import type { ResolvedRunner } from './resolved';

/** A Secrets Manager secret as the cluster's SecretStore reads it. */
export interface AwsSecretRef {
  /** The secret's region: the ARN's, else the cluster's (the SecretStore's). */
  readonly region: string;
  /**
   * Names the secret may have: the name itself, and for a full ARN also the name without the "-XXXXXX" suffix
   * Secrets Manager appends (a partial ARN has none, so both are kept).
   */
  readonly names: readonly string[];
  /** The JSON property read; "" for the whole secret string. */
  readonly property: string;
  /** As written, for messages. */
  readonly written: string;
}

const SECRET_ARN = /^arn:aws[a-z-]*:secretsmanager:([a-z0-9-]+):[0-9]{12}:secret:(.+)$/;

/** The Secrets Manager secret a runner reads, or undefined when its token is in an existing Secret. */
export function awsSecretRef(runner: ResolvedRunner, clusterRegion: string): AwsSecretRef | undefined {
  const token = runner.token;
  if (token.source !== 'aws-secrets-manager') return undefined;
  const arn = SECRET_ARN.exec(token.secretId);
  const names = arn ? [...new Set([arn[2], arn[2].replace(/-[A-Za-z0-9]{6}$/, '')])] : [token.secretId];
  const property = token.property ?? '';
  return {
    region: arn ? arn[1] : clusterRegion,
    names,
    property,
    written: `Secrets Manager secret "${token.secretId}"${property ? ` property "${property}"` : ''}`,
  };
}

/** Whether two references read one value. */
export function sameAwsSecret(a: AwsSecretRef, b: AwsSecretRef): boolean {
  return a.region === b.region && a.property === b.property && a.names.some((name) => b.names.includes(name));
}

/**
 * The Kubernetes Secret a runner's manager reads: for a Secrets Manager token the Secret its ExternalSecret writes
 * (all of it: External Secrets owns the whole Secret), for an existing Secret the name and key.
 */
export function kubernetesSecretRef(runner: ResolvedRunner): { readonly name: string; readonly key?: string; readonly written: string } {
  return runner.token.source === 'aws-secrets-manager'
    ? { name: runner.tokenSecret.name, written: `Secret "${runner.tokenSecret.name}", which its ExternalSecret writes` }
    : { name: runner.tokenSecret.name, key: runner.tokenSecret.key, written: `Secret "${runner.tokenSecret.name}" key "${runner.tokenSecret.key}"` };
}
