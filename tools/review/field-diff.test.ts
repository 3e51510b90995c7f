import { render } from '../../charts/testing';
import { staging } from '../../definitions/staging';
import { diffObjects, diffValues, type FieldChange } from './field-diff';
import { formatPath } from './paths';

const readable = (changes: FieldChange[]) =>
  changes.map((c) =>
    c.type === 'changed'
      ? `${formatPath(c.path)}: ${JSON.stringify(c.from)} -> ${JSON.stringify(c.to)}`
      : c.type === 'text'
        ? `${formatPath(c.path)}: text`
        : `${c.type} ${formatPath(c.path)}`,
  );

const clone = <T>(value: T): T => JSON.parse(JSON.stringify(value));

describe('diffValues', () => {
  it('reports a changed leaf by its path', () => {
    expect(readable(diffValues({ spec: { limits: { cpu: '64' } } }, { spec: { limits: { cpu: '128' } } }))).toEqual([
      'spec.limits.cpu: "64" -> "128"',
    ]);
  });

  it('matches containers by name, so a container inserted first changes nothing else', () => {
    const base = { containers: [{ name: 'a', image: 'x:1' }] };
    const head = { containers: [{ name: 'b', image: 'y:1' }, { name: 'a', image: 'x:2' }] };
    expect(readable(diffValues(base, head))).toEqual(['containers[a].image: "x:1" -> "x:2"', 'added containers[b]']);
  });

  it('compares lists without a natural key by position', () => {
    expect(readable(diffValues({ budgets: [{ nodes: '10%' }] }, { budgets: [{ nodes: '20%' }, { nodes: '1' }] }))).toEqual([
      'budgets[0].nodes: "10%" -> "20%"',
      'added budgets[1]',
    ]);
  });

  it('reports a list of scalars as one change and multi-line strings as text hunks', () => {
    expect(readable(diffValues({ verbs: ['get'] }, { verbs: ['get', 'list'] }))).toEqual(['verbs: ["get"] -> ["get","list"]']);
    const [change] = diffValues({ s: 'a\nb\n' }, { s: 'a\nc\n' });
    expect(change).toMatchObject({ type: 'text', hunks: ['@@ -1,2 +1,2 @@', ' a', '-b', '+c'] });
  });

  it('finds nothing in equal values', () => {
    expect(diffValues({ a: [{ name: 'x' }] }, { a: [{ name: 'x' }] })).toEqual([]);
  });
});

describe('diffObjects', () => {
  const rendered = render(staging);
  const configMap = rendered.get('ConfigMap', 'gitlab-runner-amd64');

  it('diffs config.toml in a runner ConfigMap key by key, runners matched by name', () => {
    const head = clone(configMap);
    head.data['config.template.toml'] = head.data['config.template.toml'].replace('cpu_limit = "4"', 'cpu_limit = "8"');
    expect(readable(diffObjects(configMap, head))).toEqual([
      'config.template.toml › runners[staging-amd64].kubernetes.cpu_limit: "4" -> "8"',
    ]);
  });

  it('diffs scripts in a ConfigMap line by line', () => {
    const head = clone(configMap);
    head.data['drain.sh'] = head.data['drain.sh'].replace('sleep 1', 'sleep 2');
    const changes = diffObjects(configMap, head);
    expect(readable(changes)).toEqual(['data["drain.sh"]: text']);
    expect(changes[0]).toMatchObject({ hunks: expect.arrayContaining([expect.stringMatching(/^\+.*sleep 2/)]) });
  });

  it('shows a TOML entry whose text changed but whose meaning did not as text', () => {
    const head = clone(configMap);
    head.data['config.template.toml'] = `# a new comment\n${head.data['config.template.toml']}`;
    expect(readable(diffObjects(configMap, head))).toEqual(['data["config.template.toml"]: text']);
  });
});
