import type { Construct } from 'constructs';
import { SecretStore, SecretStoreSpecProviderAwsService } from '../imports/external-secrets.io';
import { FleetChart } from '../lib/synth/render';
import type { ResolvedCluster } from '../lib/model/resolve';
import { fleetLabels } from './labels';

/** Name of the SecretStore runner-token ExternalSecrets read from. */
export const SECRET_STORE_NAME = 'aws-secrets-manager';

export interface SecretStoreChartProps {
  /** The cluster whose store this is; rendered only when one of its runners takes its token from Secrets Manager. */
  readonly cluster: ResolvedCluster;
}

/** True when any runner of the cluster reads its token from AWS Secrets Manager. */
export function needsSecretStore(cluster: ResolvedCluster): boolean {
  return cluster.runners.some((runner) => runner.token.source === 'aws-secrets-manager');
}

/**
 * AWS Secrets Manager, reached by the External Secrets controller with its own EKS Pod Identity role: no `auth`
 * block, no keys. Namespaced, in the managers' namespace, so only the runner-token ExternalSecrets there can use it.
 */
export class SecretStoreChart extends FleetChart {
  constructor(scope: Construct, id: string, props: SecretStoreChartProps) {
    super(scope, id, { layer: 'configs' });
    const { cluster } = props;
    new SecretStore(this, 'store', {
      metadata: {
        name: SECRET_STORE_NAME,
        namespace: cluster.namespaces.managers,
        labels: fleetLabels(SECRET_STORE_NAME, 'secret-store'),
      },
      spec: { provider: { aws: { service: SecretStoreSpecProviderAwsService.SECRETS_MANAGER, region: cluster.region } } },
    });
  }
}
