import { deniedRequests, jobPodProblems, managerPodProblems } from './checks';
import type { KubeObject } from './kube';
import type { NodeShape } from './node-plan';

const node: NodeShape = {
  name: 'jobs-amd64-1',
  pool: 'jobs-amd64',
  arch: 'amd64',
  labels: { 'kubernetes.io/arch': 'amd64', 'karpenter.sh/nodepool': 'jobs-amd64', 'kubernetes.io/os': 'linux' },
  taints: [{ key: 'ci-job', value: 'true', effect: 'NoSchedule' }],
};
const expectation = { poolNodes: [node], serviceAccount: 'job-sa' };
const hardened = { allowPrivilegeEscalation: false, privileged: false, capabilities: { drop: ['ALL'] } };

function jobPod(change: (pod: any) => void = () => {}): KubeObject {  
  const pod = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'runner-x', namespace: 'jobs', annotations: { 'karpenter.sh/do-not-disrupt': 'true' } },
    spec: {
      nodeName: 'jobs-amd64-1',
      nodeSelector: { 'kubernetes.io/arch': 'amd64', 'karpenter.sh/nodepool': 'jobs-amd64' },
      tolerations: [{ key: 'ci-job', operator: 'Equal', value: 'true', effect: 'NoSchedule' }],
      serviceAccountName: 'job-sa',
      automountServiceAccountToken: false,
      initContainers: [{ name: 'init-permissions', securityContext: structuredClone(hardened) }],
      containers: [{ name: 'build', securityContext: structuredClone(hardened) }, { name: 'helper', securityContext: structuredClone(hardened) }],
      volumes: [],
    },
    status: { qosClass: 'Burstable' },
  };
  change(pod);
  return pod;
}

describe('jobPodProblems', () => {
  it('finds nothing wrong with a pod that is what the runner config and the pool require', () => {
    expect(jobPodProblems(jobPod(), expectation)).toEqual([]);
  });

  it.each([
    ['BestEffort QoS', (p: any) => (p.status.qosClass = 'BestEffort'), /QoS class should be Burstable or Guaranteed, got "BestEffort"/],  
    ['another pool in the selector', (p: any) => (p.spec.nodeSelector['karpenter.sh/nodepool'] = 'managers'), /nodeSelector karpenter.sh\/nodepool should be "jobs-amd64"/],  
    ['no architecture in the selector', (p: any) => delete p.spec.nodeSelector['kubernetes.io/arch'], /nodeSelector kubernetes.io\/arch should be "amd64"/],  
    ['a selector label no pool node has', (p: any) => (p.spec.nodeSelector.zone = 'a'), /nodeSelector zone=a matches no node/],  
    ['a node outside the pool', (p: any) => (p.spec.nodeName = 'managers-1'), /runs on node managers-1, not on a node of NodePool jobs-amd64/],  
    ['the pool taint not tolerated', (p: any) => (p.spec.tolerations = []), /does not tolerate NodePool jobs-amd64's taint ci-job=true:NoSchedule/],  
    ['no do-not-disrupt', (p: any) => (p.metadata.annotations = {}), /karpenter.sh\/do-not-disrupt should be "true"/],  
    ['another service account', (p: any) => (p.spec.serviceAccountName = 'default'), /serviceAccountName should be "job-sa"/],  
    ['a token mounted', (p: any) => p.spec.volumes.push({ name: 'kube-api-access', projected: { sources: [{ serviceAccountToken: {} }] } }), /mounts a service account token/],  
    ['an init container without the security context', (p: any) => (p.spec.initContainers[0].securityContext = {}), /container init-permissions: allowPrivilegeEscalation should be false/],  
    ['capabilities kept', (p: any) => (p.spec.containers[1].securityContext.capabilities.drop = []), /container helper: capabilities.drop should include ALL/],  
    ['a privileged container', (p: any) => (p.spec.containers[0].securityContext.privileged = true), /container build is privileged/],  
  ])('reports %s', (_, change, problem) => {
    const problems = jobPodProblems(jobPod(change), expectation);
    expect(problems.some((p) => problem.test(p))).toBe(true);
  });

  it('accepts an Exists toleration for the taint key, as Kubernetes does', () => {
    const pod = jobPod((p) => (p.spec.tolerations = [{ key: 'ci-job', operator: 'Exists' }]));
    expect(jobPodProblems(pod, expectation)).toEqual([]);
  });
});

describe('managerPodProblems', () => {
  const namespace: KubeObject = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'runners', labels: { 'pod-security.kubernetes.io/enforce': 'restricted' } } };
  const manager = (change: (pod: any) => void = () => {}): KubeObject => {  
    const pod = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'm', namespace: 'runners' },
      spec: { securityContext: { runAsNonRoot: true }, containers: [{ name: 'gitlab-runner', securityContext: { readOnlyRootFilesystem: true } }] },
      status: { phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }], containerStatuses: [{ name: 'gitlab-runner', restartCount: 0, started: true }] },
    };
    change(pod);
    return pod;
  };

  it('passes a hardened, ready manager', () => expect(managerPodProblems(manager(), namespace)).toEqual([]));
  it.each([
    ['a namespace not enforcing restricted', undefined, /should enforce Pod Security "restricted"/],
    ['a writable root', (p: any) => (p.spec.containers[0].securityContext.readOnlyRootFilesystem = false), /readOnlyRootFilesystem should be true/],  
    ['a failing readiness probe', (p: any) => (p.status.conditions[0].status = 'False'), /not Ready/],  
    ['restarts', (p: any) => (p.status.containerStatuses[0].restartCount = 2), /restarted 2 times/],  
  ])('reports %s', (_, change, problem) => {
    const problems = change ? managerPodProblems(manager(change), namespace) : managerPodProblems(manager(), undefined);
    expect(problems.some((p) => problem.test(p))).toBe(true);
  });
});

describe('deniedRequests', () => {
  const event = (user: string, code: number, decision?: string, stage = 'ResponseComplete') =>
    JSON.stringify({ stage, verb: 'create', user: { username: user }, objectRef: { resource: 'pods', subresource: 'attach', namespace: 'jobs', name: 'p' }, responseStatus: { code }, requestURI: '/x', annotations: decision ? { 'authorization.k8s.io/decision': decision } : {} });

  it('reports a forbidden request of a watched user, once per audit event at completion', () => {
    const log = [event('sa:m', 403, 'forbid'), event('sa:m', 403, 'forbid', 'ResponseStarted'), event('sa:other', 403, 'forbid'), event('sa:m', 201, 'allow'), ''].join('\n');
    expect(deniedRequests(log, ['sa:m'])).toEqual(['sa:m: create pods/attach in jobs (p) was denied (/x)']);
  });

  it('reports nothing when every request was allowed', () => {
    expect(deniedRequests([event('sa:m', 201, 'allow'), event('sa:m', 404, 'allow')].join('\n'), ['sa:m'])).toEqual([]);
  });
});
