import { editObject, editRunnerConfig, renderObjects, runCheck } from '../testing';
import { privilegeRaised } from './privilege';

const base = renderObjects();
const deployment = { kind: 'Deployment', name: 'gitlab-runner-amd64' };
const configMap = { kind: 'ConfigMap', name: 'gitlab-runner-amd64' };

describe('privilegeRaised', () => {
  it('is silent when nothing changed', () => {
    expect(runCheck(privilegeRaised, base, renderObjects())).toEqual([]);
  });

  it('flags a manager container becoming privileged or allowed to escalate, and gaining a capability', () => {
    const head = editObject(base, deployment, (b) => {
      const context = b.spec.template.spec.containers[0].securityContext;
      context.privileged = true;
      context.allowPrivilegeEscalation = true;
      context.capabilities = { drop: ['NET_RAW'], add: ['SYS_ADMIN'] };
    });
    expect(runCheck(privilegeRaised, base, head).map((h) => `${h.field}: ${h.message}`)).toEqual([
      'spec.template.spec.containers[gitlab-runner].securityContext.allowPrivilegeEscalation: allowPrivilegeEscalation: false → true',
      'spec.template.spec.containers[gitlab-runner].securityContext.capabilities.add: capabilities added: SYS_ADMIN',
      'spec.template.spec.containers[gitlab-runner].securityContext.privileged: privileged: false → true',
      'spec.template.spec.containers[gitlab-runner].securityContext.capabilities.drop: capabilities no longer drop ALL',
    ]);
  });

  it('flags privileged job pods and capabilities added in the runner config.toml', () => {
    const head = editObject(base, configMap, (b) =>
      editRunnerConfig(b, (toml) =>
        toml
          .replace('privileged = false', 'privileged = true')
          .replace('allow_privilege_escalation = false', 'allow_privilege_escalation = true')
          .replace('add = [\n  "AUDIT_WRITE",', 'add = [\n  "NET_ADMIN",\n  "AUDIT_WRITE",'),
      ),
    );
    expect(runCheck(privilegeRaised, base, head).map((h) => `${h.field}: ${h.message}`)).toEqual([
      'config.template.toml › runners[staging-amd64].kubernetes.privileged: privileged: false → true',
      'config.template.toml › runners[staging-amd64].kubernetes.allow_privilege_escalation: allow_privilege_escalation: false → true',
      'config.template.toml › runners[staging-amd64].kubernetes.build_container_security_context.capabilities.add: capabilities added: NET_ADMIN',
    ]);
  });

  it('flags a namespace’s Pod Security level lowered', () => {
    const head = editObject(base, { kind: 'Namespace', name: 'gitlab-runner' }, (b) => (b.metadata.labels['pod-security.kubernetes.io/enforce'] = 'privileged'));
    expect(runCheck(privilegeRaised, base, head).map((h) => h.message)).toEqual(['Pod Security enforce: restricted → privileged']);
  });
});
