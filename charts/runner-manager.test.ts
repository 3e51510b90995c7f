import { parseQuantity } from '../lib/model/quantity';
import { POLL_TIMEOUT_SECONDS, TOKEN_PLACEHOLDER } from '../lib/runner/config-toml';
import { runnerImage } from './runner-manager';
import { render, twoArchCluster } from './testing';

const rendered = render(twoArchCluster({ cache: { bucket: 'ci-cache' } }));

describe.each(['amd64', 'arm64'] as const)('the %s runner manager', (arch) => {
  const name = `gitlab-runner-${arch}`;
  const deployment = rendered.get('Deployment', name);
  const pod = deployment.spec.template.spec;
  const container = pod.containers[0];
  const config = rendered.runnerConfig(name);
  const executor = config.runners[0].kubernetes;
  const runner = rendered.cluster.runners.find((r) => r.arch === arch)!;

  test('selects its pods with explicit, stable app.kubernetes.io labels', () => {
    expect(deployment.spec.selector.matchLabels).toEqual({ 'app.kubernetes.io/name': 'gitlab-runner', 'app.kubernetes.io/instance': name });
    expect(deployment.spec.template.metadata.labels).toMatchObject(deployment.spec.selector.matchLabels);
  });

  test('runs on an on-demand node of its own architecture, in the managers\' pool', () => {
    const terms = pod.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms;
    for (const term of terms) {
      expect(term.matchExpressions).toContainEqual({ key: 'kubernetes.io/arch', operator: 'In', values: [arch] });
    }
    expect(terms).toEqual([
      {
        matchExpressions: [
          { key: 'kubernetes.io/arch', operator: 'In', values: [arch] },
          { key: 'karpenter.sh/capacity-type', operator: 'In', values: ['on-demand'] },
          { key: 'karpenter.sh/nodepool', operator: 'In', values: ['gitlab-runner-managers'] },
        ],
      },
    ]);
    expect(pod.tolerations).toEqual([{ key: 'gitlab-runner-fleet/runner-manager', operator: 'Equal', value: 'true', effect: 'NoSchedule' }]);
    expect(pod.affinity.podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution).toEqual([
      { topologyKey: 'kubernetes.io/hostname', labelSelector: { matchLabels: deployment.spec.selector.matchLabels } },
    ]);
  });

  test('drains on SIGQUIT through its preStop hook and may take as long as its longest job', () => {
    expect(container.lifecycle.preStop.exec.command).toEqual(['/bin/sh', '/etc/gitlab-runner-template/drain.sh']);
    expect(rendered.get('ConfigMap', name).data['drain.sh']).toContain('kill -QUIT');
    expect(pod.terminationGracePeriodSeconds).toBeGreaterThan(runner.jobTimeoutSeconds);
    // exec makes gitlab-runner PID 1, the process drain.sh signals
    expect(rendered.get('ConfigMap', name).data['entrypoint.sh']).toMatch(/\nexec gitlab-runner run /);
  });

  test('never drops to zero managers during a rollout, and a PodDisruptionBudget limits evictions to one', () => {
    expect(deployment.spec.strategy).toEqual({ type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } });
    const budget = rendered.get('PodDisruptionBudget', name);
    expect(budget.spec).toEqual({ maxUnavailable: 1, selector: { matchLabels: deployment.spec.selector.matchLabels } });
  });

  test('meets Pod Security "restricted" with a read-only root filesystem', () => {
    expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } });
    expect(pod.securityContext.runAsUser).toBeGreaterThanOrEqual(10000);
    expect(pod.securityContext.fsGroup).toBe(pod.securityContext.runAsGroup);
    expect(container.securityContext).toEqual({
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      runAsNonRoot: true,
      privileged: false,
      capabilities: { drop: ['ALL'] },
      seccompProfile: { type: 'RuntimeDefault' },
    });
  });

  test('runs a pinned image with explicit resources', () => {
    expect(container.image).toBe(runnerImage());
    expect(container.image).toMatch(/:alpine-v\d+\.\d+\.\d+$/);
    expect(container.imagePullPolicy).toBe('IfNotPresent');
    expect(Object.keys(container.resources.requests).sort()).toEqual(['cpu', 'ephemeral-storage', 'memory']);
    expect(Object.keys(container.resources.limits).sort()).toEqual(['cpu', 'ephemeral-storage', 'memory']);
  });

  test('probes only its own HTTP server, so a GitLab outage cannot restart a busy manager: alive is /metrics, ready is /health/ready', () => {
    expect(container.startupProbe.httpGet).toEqual({ path: '/metrics', port: 'metrics' });
    expect(container.livenessProbe.httpGet).toEqual({ path: '/metrics', port: 'metrics' });
    expect(container.readinessProbe.httpGet).toEqual({ path: '/health/ready', port: 'metrics' });
    // kube-score: a liveness probe identical to the readiness probe restarts a pod that is only not ready.
    expect(container.livenessProbe).not.toEqual(container.readinessProbe);
    // Liveness is patient: five misses 30 s apart before a restart (which drains through preStop).
    expect(container.livenessProbe.periodSeconds * container.livenessProbe.failureThreshold).toBeGreaterThanOrEqual(120);
    expect(container.ports).toEqual([{ name: 'metrics', containerPort: 9252, protocol: 'TCP' }]);
    expect(config.listen_address).toBe(':9252');
  });

  test('reads its token from the Secret at start; the ConfigMap holds only a placeholder', () => {
    const tokenVolume = pod.volumes.find((v: any) => v.name === 'token');
    expect(tokenVolume.secret).toMatchObject({ secretName: runner.tokenSecret.name, items: [{ key: runner.tokenSecret.key, path: 'token' }] });
    expect(config.runners[0].token).toBe(TOKEN_PLACEHOLDER);
    const configVolume = pod.volumes.find((v: any) => v.name === 'config');
    expect(configVolume.emptyDir.medium).toBe('Memory');
    for (const file of rendered.files) expect(file.content).not.toMatch(/glrt-[A-Za-z0-9]/);
  });

  test('rolls when its config changes, through a checksum on the pod template', () => {
    const other = render(twoArchCluster({ cache: { bucket: 'ci-cache' }, gitlabUrl: 'https://gitlab.example.org' }));
    const before = deployment.spec.template.metadata.annotations['checksum/config'];
    const after = other.get('Deployment', name).spec.template.metadata.annotations['checksum/config'];
    expect(before).toMatch(/^[0-9a-f]{64}$/);
    expect(after).not.toBe(before);
  });

  describe('config.toml', () => {
    test('sets the global keys: concurrency, JSON logs, metrics, a short forced-shutdown timeout', () => {
      expect(config).toMatchObject({ concurrent: runner.concurrent, check_interval: 3, shutdown_timeout: 30, log_format: 'json' });
      expect(config.runners).toHaveLength(1);
      expect(config.runners[0]).toMatchObject({ executor: 'kubernetes', url: 'https://gitlab.com', limit: runner.concurrent });
    });

    test('selects job nodes by architecture (the helper image follows it), OS and pool', () => {
      expect(executor.node_selector).toEqual({
        'kubernetes.io/arch': arch,
        'kubernetes.io/os': 'linux',
        'karpenter.sh/nodepool': `gitlab-ci-jobs-${arch}`,
      });
    });

    test('tolerates exactly the taint of its pool', () => {
      const pool = rendered.get('NodePool', `gitlab-ci-jobs-${arch}`);
      const [taint] = pool.spec.template.spec.taints;
      expect(executor.node_tolerations).toEqual({ [`${taint.key}=${taint.value}`]: taint.effect });
    });

    test('marks job pods do-not-disrupt and labels them with architecture, pool and capacity types', () => {
      expect(executor.pod_annotations).toEqual({ 'karpenter.sh/do-not-disrupt': 'true' });
      expect(executor.pod_labels).toMatchObject({
        'gitlab-runner-fleet/arch': arch,
        'gitlab-runner-fleet/pool': `gitlab-ci-jobs-${arch}`,
        'gitlab-runner-fleet/capacity-types': 'spot',
      });
    });

    test('waits long enough for a cold node', () => {
      expect(executor.poll_timeout).toBe(POLL_TIMEOUT_SECONDS);
      expect(executor.poll_timeout).toBeGreaterThanOrEqual(600);
    });

    test('runs jobs unprivileged, without privilege escalation or an API token', () => {
      expect(executor).toMatchObject({ privileged: false, allow_privilege_escalation: false, automount_service_account_token: false });
      expect(executor.service_account).toBe(`gitlab-ci-job-${arch}`);
      expect(rendered.get('ServiceAccount', `gitlab-ci-job-${arch}`)).toMatchObject({
        metadata: { namespace: 'gitlab-ci-jobs' },
        automountServiceAccountToken: false,
      });
      for (const context of ['build', 'helper', 'service']) {
        const capabilities = executor[`${context}_container_security_context`].capabilities;
        expect(capabilities.drop).toEqual(['ALL']);
        expect(capabilities.add).not.toContain('NET_RAW');
        expect(capabilities.add).not.toContain('SYS_ADMIN');
      }
    });

    test('requests the job defaults and caps per-job overrides at the job maximum', () => {
      expect(executor).toMatchObject({
        cpu_request: runner.jobDefaults.cpu,
        memory_request: runner.jobDefaults.memory,
        ephemeral_storage_request: runner.jobDefaults.ephemeralStorage,
        cpu_request_overwrite_max_allowed: runner.jobMaximum.cpu,
        memory_limit_overwrite_max_allowed: runner.jobMaximum.memory,
        ephemeral_storage_limit_overwrite_max_allowed: runner.jobMaximum.ephemeralStorage,
      });
      expect(parseQuantity(executor.memory_limit_overwrite_max_allowed)).toBeGreaterThanOrEqual(parseQuantity(executor.memory_request));
    });

    test('uses the S3 cache with IAM authentication and no keys', () => {
      expect(config.runners[0].cache).toEqual({
        Type: 's3',
        Path: arch,
        Shared: true,
        s3: { ServerAddress: 's3.eu-west-1.amazonaws.com', BucketName: 'ci-cache', BucketLocation: 'eu-west-1', AuthenticationType: 'iam' },
      });
    });
  });

  test('gets a Role in the job namespace without wildcards, bound to its ServiceAccount', () => {
    const role = rendered.get('Role', name);
    expect(role.metadata.namespace).toBe('gitlab-ci-jobs');
    for (const rule of role.rules) {
      expect(rule.apiGroups).toEqual(['']);
      expect([...rule.resources, ...rule.verbs]).not.toContain('*');
    }
    expect(role.rules.map((r: any) => r.resources[0])).toEqual(['pods', 'pods/attach', 'pods/exec', 'secrets', 'serviceaccounts', 'services', 'events']);
    const binding = rendered.get('RoleBinding', name);
    expect(binding).toMatchObject({
      metadata: { namespace: 'gitlab-ci-jobs' },
      roleRef: { kind: 'Role', name },
      subjects: [{ kind: 'ServiceAccount', name, namespace: 'gitlab-runner' }],
    });
  });
});

test('no cache, no cache section; no Secrets Manager token, no SecretStore', () => {
  const plain = render({ name: 'plain', region: 'eu-west-1', runners: [{ arch: 'arm64', token: { source: 'existing-secret', secretName: 't' } }] });
  expect(plain.runnerConfig('gitlab-runner-arm64').runners[0].cache).toBeUndefined();
  expect(plain.all('SecretStore')).toEqual([]);
});

describe('token rotation (tokenRevision)', () => {
  const withRevision = (revision: string | undefined) =>
    render(twoArchCluster({ runners: twoArchCluster().runners.map((r) => ({ ...r, ...(revision ? { tokenRevision: revision } : {}) })) }));
  const before = withRevision(undefined);
  const after = withRevision('2026-12-02');

  test('a new revision changes the pod template of every manager (a rollout), for both token sources', () => {
    for (const name of ['gitlab-runner-amd64', 'gitlab-runner-arm64']) {
      const was = before.get('Deployment', name).spec.template;
      const is = after.get('Deployment', name).spec.template;
      expect(is.metadata.annotations['gitlab-runner-fleet/token-revision']).toBe('2026-12-02');
      expect(was.metadata.annotations['gitlab-runner-fleet/token-revision']).toBeUndefined();
      expect(withRevision('2026-12-03').get('Deployment', name).spec.template).not.toEqual(is);
    }
  });

  test('External Secrets copies the new value at once (its spec changes) and puts the revision beside the token', () => {
    const spec = after.get('ExternalSecret', 'gitlab-runner-amd64-token').spec;
    expect(spec).not.toEqual(before.get('ExternalSecret', 'gitlab-runner-amd64-token').spec);
    expect(spec.target.template).toEqual({
      engineVersion: 'v2',
      metadata: { annotations: { 'gitlab-runner-fleet/token-revision': '2026-12-02' } },
      data: { token: '{{ .token }}', revision: '2026-12-02' },
    });
    // the template reads the key the remote data lands in
    expect(spec.data.map((d: { secretKey: string }) => d.secretKey)).toEqual(['token']);
  });

  test('a manager reading an External Secrets token waits for the revision; one reading a hand-made Secret does not', () => {
    const amd64 = after.get('Deployment', 'gitlab-runner-amd64').spec.template.spec;
    expect(amd64.containers[0].env).toContainEqual({ name: 'TOKEN_REVISION', value: '2026-12-02' });
    expect(amd64.volumes.find((v: { name: string }) => v.name === 'token').secret.items).toEqual([
      { key: 'token', path: 'token' },
      { key: 'revision', path: 'revision' },
    ]);
    // the startup probe leaves room for the wait
    expect(amd64.containers[0].startupProbe.failureThreshold * amd64.containers[0].startupProbe.periodSeconds).toBeGreaterThanOrEqual(120 + 150);

    const arm64 = after.get('Deployment', 'gitlab-runner-arm64').spec.template.spec;
    expect(arm64.containers[0].env.map((e: { name: string }) => e.name)).not.toContain('TOKEN_REVISION');
    expect(arm64.volumes.find((v: { name: string }) => v.name === 'token').secret.items).toEqual([{ key: 'token', path: 'token' }]);
  });

  test('without a revision nothing changes: no template, no wait', () => {
    expect(before.get('ExternalSecret', 'gitlab-runner-amd64-token').spec.target.template).toBeUndefined();
    expect(before.get('Deployment', 'gitlab-runner-amd64').spec.template.spec.containers[0].startupProbe.failureThreshold).toBe(24);
  });

  test('a revision that is not a short name is refused', () => {
    expect(() => withRevision('next week')).toThrow(/tokenRevision: must be a short name/);
  });
});

test('the rendered config.toml never carries token_expires_at, so the runner never rotates its token by itself', () => {
  // gitlab-runner resets a token on its own only when token_expires_at is set (commands/multi.go, nextRunnerToReset),
  // and would keep the new token only in its in-memory config.toml: the Secret would still hold the revoked one.
  for (const runner of render(twoArchCluster()).all('ConfigMap')) {
    const template: string = runner.data['config.template.toml'];
    expect(template).not.toMatch(/token_expires_at|token_obtained_at/);
  }
});
