import { executorRules, type ExecutorFeatures } from './executor-rbac';

const defaults: ExecutorFeatures = { podWarningEvents: true, printPodEvents: true, namespacePerJob: false, readsPodLogs: false };

function verbsOf(rules: ReturnType<typeof executorRules>): Record<string, readonly string[]> {
  return Object.fromEntries(rules.map((rule) => [rule.resources[0], rule.verbs]));
}

test('the default features get exactly the documented permissions, and no more', () => {
  expect(verbsOf(executorRules(defaults))).toEqual({
    pods: ['create', 'delete', 'get', 'list', 'watch'],
    'pods/attach': ['create', 'delete', 'get', 'patch'],
    'pods/exec': ['create', 'delete', 'get', 'patch'],
    secrets: ['create', 'delete', 'get', 'update'],
    serviceaccounts: ['get'],
    services: ['create', 'get'],
    events: ['list', 'watch'],
  });
});

test('no rule uses a wildcard or leaves the core API group', () => {
  const all = executorRules({ podWarningEvents: true, printPodEvents: true, namespacePerJob: true, readsPodLogs: true });
  for (const rule of all) {
    expect(rule.apiGroups).toEqual(['']);
    expect(rule.resources).not.toContain('*');
    expect(rule.verbs).not.toContain('*');
  }
});

test('namespace and log permissions appear only with the features that need them', () => {
  expect(verbsOf(executorRules(defaults))).not.toHaveProperty('namespaces');
  expect(verbsOf(executorRules(defaults))).not.toHaveProperty('pods/log');
  expect(verbsOf(executorRules({ ...defaults, namespacePerJob: true })).namespaces).toEqual(['create', 'delete']);
  expect(verbsOf(executorRules({ ...defaults, readsPodLogs: true }))['pods/log']).toEqual(['get', 'list']);
});

test('events are only listed, not watched, without FF_PRINT_POD_EVENTS', () => {
  expect(verbsOf(executorRules({ ...defaults, printPodEvents: false })).events).toEqual(['list']);
  expect(verbsOf(executorRules({ ...defaults, printPodEvents: false, podWarningEvents: false }))).not.toHaveProperty('events');
});
