import { createHash } from 'node:crypto';
import { k8s } from 'cdk8s-plus-33';
import type { Construct } from 'constructs';
import {
  ExternalSecret,
  ExternalSecretSpecSecretStoreRefKind,
  ExternalSecretSpecTargetCreationPolicy,
  ExternalSecretSpecTargetDeletionPolicy,
  ExternalSecretSpecTargetTemplateEngineVersion,
} from '../imports/external-secrets.io';
import { executorRules, featuresOf } from '../lib/runner/executor-rbac';
import { FleetChart } from '../lib/synth/render';
import { FLEET_KEYS, type ResolvedCluster, type ResolvedRunner } from '../lib/model/resolve';
import { METRICS_PORT, renderRunnerConfig, runnerConfig } from '../lib/runner/config-toml';
import { DRAIN_SCRIPT, ENTRYPOINT_SCRIPT, MANAGER_PATHS, TOKEN_REVISION_WAIT_SECONDS } from '../lib/runner/entrypoint';
import { platformVersions } from '../lib/model/versions';
import { fleetLabels } from './labels';
import { SECRET_STORE_NAME } from './secret-store';

/** The manager image: the pinned release, Alpine flavour (has /bin/sh for the entrypoint and drain hook). */
/** Paths the manager's probes ask on its metrics port: what alive and ready mean for a runner manager. */
export const MANAGER_PROBE_PATHS = { alive: '/metrics', ready: '/health/ready' } as const;

export function runnerImage(): string {
  return `registry.gitlab.com/gitlab-org/gitlab-runner:alpine-v${platformVersions().gitlabRunner}`;
}

/**
 * The manager runs as a high, image-independent user and group (above any node's users): everything it writes is
 * an emptyDir, HOME is set explicitly, and fsGroup makes the token readable to it.
 */
const RUNNER_UID = 10100;
const RUNNER_GID = 10100;

/** Pod and Secret annotation naming the token's revision: changing it rolls the managers onto the new token. */
export const TOKEN_REVISION_ANNOTATION = 'gitlab-runner-fleet/token-revision';

/** Labels shared by every manager pod of the fleet (the PodMonitor selects on them). */
export const MANAGER_SELECTOR_LABELS = { 'app.kubernetes.io/name': 'gitlab-runner' } as const;

export interface RunnerManagerChartProps {
  /** The cluster the runner belongs to. */
  readonly cluster: ResolvedCluster;
  /** The runner this chart renders. */
  readonly runner: ResolvedRunner;
}

const q = (value: string) => k8s.Quantity.fromString(value);

/**
 * One GitLab runner manager and everything it needs: its ServiceAccount, its config.toml (a ConfigMap, without the
 * token), its Deployment (drains on SIGQUIT, never drops to zero managers), a PodDisruptionBudget, the executor's
 * least-privilege Role in the job namespace, the job pods' token-less ServiceAccount, and the ExternalSecret that
 * makes its token Secret when the token lives in AWS Secrets Manager.
 */
export class RunnerManagerChart extends FleetChart {
  constructor(scope: Construct, id: string, props: RunnerManagerChartProps) {
    super(scope, id, { layer: 'runners' });
    const { cluster, runner } = props;
    const name = runner.names.manager;
    const namespace = cluster.namespaces.managers;
    const selector = { ...MANAGER_SELECTOR_LABELS, 'app.kubernetes.io/instance': name };
    const labels = { ...fleetLabels('gitlab-runner', 'runner-manager'), ...selector, [FLEET_KEYS.arch]: runner.arch };

    new k8s.KubeServiceAccount(this, 'service-account', {
      metadata: { name, namespace, labels },
      // The executor talks to the Kubernetes API with this token: the one pod that needs one.
      automountServiceAccountToken: true,
    });

    new k8s.KubeServiceAccount(this, 'job-service-account', {
      metadata: {
        name: runner.names.jobServiceAccount,
        namespace: cluster.namespaces.jobs,
        labels: { ...fleetLabels(runner.names.jobServiceAccount, 'ci-job'), [FLEET_KEYS.arch]: runner.arch },
      },
      // CI jobs run untrusted code: they get no Kubernetes API token.
      automountServiceAccountToken: false,
    });

    const config = runnerConfig(cluster, runner);
    const configData = {
      'config.template.toml': renderRunnerConfig(config),
      'entrypoint.sh': ENTRYPOINT_SCRIPT,
      'drain.sh': DRAIN_SCRIPT,
    };
    new k8s.KubeConfigMap(this, 'config', { metadata: { name, namespace, labels }, data: configData });
    // A config change rolls the managers; safe, because a replaced manager drains its jobs (see drain.sh).
    const configChecksum = createHash('sha256').update(JSON.stringify(configData)).digest('hex');

    new k8s.KubeRole(this, 'executor-role', {
      metadata: { name, namespace: cluster.namespaces.jobs, labels },
      rules: executorRules(featuresOf(config.runners[0])).map((rule) => ({
        apiGroups: [...rule.apiGroups],
        resources: [...rule.resources],
        verbs: [...rule.verbs],
      })),
    });
    new k8s.KubeRoleBinding(this, 'executor-role-binding', {
      metadata: { name, namespace: cluster.namespaces.jobs, labels },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name },
      subjects: [{ kind: 'ServiceAccount', name, namespace }],
    });

    // A named token revision, when the token comes through External Secrets: the Secret carries it next to the token
    // (a change of the ExternalSecret's spec makes External Secrets copy the secret at once, not at its next
    // refresh), and a new manager waits until its mounted copy carries it (see the entrypoint).
    const revision = runner.tokenRevision;
    const waitsForRevision = revision !== undefined && runner.token.source === 'aws-secrets-manager';
    if (runner.token.source === 'aws-secrets-manager') {
      new ExternalSecret(this, 'token', {
        metadata: { name: runner.tokenSecret.name, namespace, labels },
        spec: {
          refreshInterval: '1h',
          secretStoreRef: { kind: ExternalSecretSpecSecretStoreRefKind.SECRET_STORE, name: SECRET_STORE_NAME },
          target: {
            name: runner.tokenSecret.name,
            creationPolicy: ExternalSecretSpecTargetCreationPolicy.OWNER,
            deletionPolicy: ExternalSecretSpecTargetDeletionPolicy.RETAIN,
            ...(waitsForRevision
              ? {
                  template: {
                    engineVersion: ExternalSecretSpecTargetTemplateEngineVersion.V2,
                    metadata: { annotations: { [TOKEN_REVISION_ANNOTATION]: revision } },
                    data: { [runner.tokenSecret.key]: `{{ .${runner.tokenSecret.key} }}`, revision },
                  },
                }
              : {}),
          },
          data: [
            {
              secretKey: runner.tokenSecret.key,
              remoteRef: {
                key: runner.token.secretId,
                ...(runner.token.property ? { property: runner.token.property } : {}),
              },
            },
          ],
        },
      });
    }

    new k8s.KubeDeployment(this, 'deployment', {
      metadata: { name, namespace, labels },
      spec: {
        replicas: runner.replicas,
        revisionHistoryLimit: 5,
        // A new manager is up before an old one starts draining: never zero managers during a rollout.
        strategy: {
          type: 'RollingUpdate',
          rollingUpdate: { maxSurge: k8s.IntOrString.fromNumber(1), maxUnavailable: k8s.IntOrString.fromNumber(0) },
        },
        minReadySeconds: 10,
        selector: { matchLabels: selector },
        template: {
          metadata: {
            labels,
            annotations: { 'checksum/config': configChecksum, ...(revision ? { [TOKEN_REVISION_ANNOTATION]: revision } : {}) },
          },
          spec: {
            serviceAccountName: name,
            automountServiceAccountToken: true,
            // The drain waits for the longest job; only then may Kubernetes kill the pod.
            terminationGracePeriodSeconds: runner.drainSeconds,
            securityContext: {
              runAsNonRoot: true,
              runAsUser: RUNNER_UID,
              runAsGroup: RUNNER_GID,
              fsGroup: RUNNER_GID,
              seccompProfile: { type: 'RuntimeDefault' },
            },
            affinity: {
              nodeAffinity: {
                // Its own architecture, on demand: the managers' Karpenter pool (the tainted system node group is
                // for cluster controllers, and its upgrades would not wait for a drain).
                requiredDuringSchedulingIgnoredDuringExecution: {
                  nodeSelectorTerms: [
                    {
                      matchExpressions: [
                        { key: 'kubernetes.io/arch', operator: 'In', values: [runner.arch] },
                        { key: 'karpenter.sh/capacity-type', operator: 'In', values: ['on-demand'] },
                        { key: 'karpenter.sh/nodepool', operator: 'In', values: [cluster.managerPool.name] },
                      ],
                    },
                  ],
                },
              },
              // Never two managers of a runner on one node: a node's drain or loss takes at most one of them.
              podAntiAffinity: {
                requiredDuringSchedulingIgnoredDuringExecution: [
                  { topologyKey: 'kubernetes.io/hostname', labelSelector: { matchLabels: selector } },
                ],
              },
            },
            tolerations: [{ key: FLEET_KEYS.managerTaint, operator: 'Equal', value: 'true', effect: 'NoSchedule' }],
            topologySpreadConstraints: [
              {
                maxSkew: 1,
                topologyKey: 'topology.kubernetes.io/zone',
                whenUnsatisfiable: 'ScheduleAnyway',
                labelSelector: { matchLabels: selector },
              },
            ],
            containers: [
              {
                name: 'gitlab-runner',
                image: runnerImage(),
                imagePullPolicy: 'IfNotPresent',
                command: ['/bin/sh', `${MANAGER_PATHS.template}/entrypoint.sh`],
                env: [{ name: 'HOME', value: MANAGER_PATHS.home }, ...(waitsForRevision ? [{ name: 'TOKEN_REVISION', value: revision }] : [])],
                ports: [{ name: 'metrics', containerPort: METRICS_PORT, protocol: 'TCP' }],
                resources: {
                  requests: { 'cpu': q('100m'), 'memory': q('128Mi'), 'ephemeral-storage': q('64Mi') },
                  limits: { 'cpu': q('1'), 'memory': q('512Mi'), 'ephemeral-storage': q('512Mi') },
                },
                securityContext: {
                  allowPrivilegeEscalation: false,
                  readOnlyRootFilesystem: true,
                  runAsNonRoot: true,
                  privileged: false,
                  capabilities: { drop: ['ALL'] },
                  seccompProfile: { type: 'RuntimeDefault' },
                },
                // Probes ask the manager's own HTTP server (listen_address), never GitLab: an outage of GitLab must
                // not restart a manager that is running jobs. Alive: the server answers /metrics, which gathers every
                // collector (a wedged process fails it); a restart drains through preStop. Ready: the runner's own
                // /health/ready (commands/multi.go), 200 once it has started and may take jobs.
                startupProbe: {
                  httpGet: { path: MANAGER_PROBE_PATHS.alive, port: k8s.IntOrString.fromString('metrics') },
                  periodSeconds: 5,
                  // Two minutes to start; plus the entrypoint's wait for a rotated token, when there is one.
                  failureThreshold: 24 + (waitsForRevision ? TOKEN_REVISION_WAIT_SECONDS / 5 : 0),
                },
                livenessProbe: {
                  httpGet: { path: MANAGER_PROBE_PATHS.alive, port: k8s.IntOrString.fromString('metrics') },
                  periodSeconds: 30,
                  timeoutSeconds: 5,
                  failureThreshold: 5,
                },
                readinessProbe: {
                  httpGet: { path: MANAGER_PROBE_PATHS.ready, port: k8s.IntOrString.fromString('metrics') },
                  periodSeconds: 10,
                  timeoutSeconds: 5,
                  failureThreshold: 3,
                },
                lifecycle: {
                  preStop: { exec: { command: ['/bin/sh', `${MANAGER_PATHS.template}/drain.sh`] } },
                },
                volumeMounts: [
                  { name: 'template', mountPath: MANAGER_PATHS.template, readOnly: true },
                  { name: 'token', mountPath: MANAGER_PATHS.tokenDir, readOnly: true },
                  { name: 'config', mountPath: MANAGER_PATHS.config },
                  { name: 'home', mountPath: MANAGER_PATHS.home },
                  { name: 'tmp', mountPath: '/tmp' },
                ],
              },
            ],
            volumes: [
              { name: 'template', configMap: { name, defaultMode: 0o444 } },
              {
                name: 'token',
                secret: {
                  secretName: runner.tokenSecret.name,
                  items: [
                    { key: runner.tokenSecret.key, path: 'token' },
                    ...(waitsForRevision ? [{ key: 'revision', path: 'revision' }] : []),
                  ],
                  defaultMode: 0o440,
                },
              },
              // config.toml with the token lives in memory only.
              { name: 'config', emptyDir: { medium: 'Memory', sizeLimit: q('16Mi') } },
              { name: 'home', emptyDir: { sizeLimit: q('1Gi') } },
              { name: 'tmp', emptyDir: { sizeLimit: q('1Gi') } },
            ],
          },
        },
      },
    });

    new k8s.KubePodDisruptionBudget(this, 'disruption-budget', {
      metadata: { name, namespace, labels },
      spec: {
        // Voluntary disruptions take one manager at a time; the evicted one drains its jobs (drain.sh).
        maxUnavailable: k8s.IntOrString.fromNumber(1),
        selector: { matchLabels: selector },
      },
    });
  }
}
