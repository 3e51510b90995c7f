import { cluster, problemsOf, TEST_TOKEN as token } from './testing';

describe('cross-field rules: each violation names the runner, the field and the fix', () => {
  test('a job maximum below its default', () => {
    expect(problemsOf(cluster({}, { jobDefaults: { memory: '4Gi' }, jobMaximum: { memory: '2Gi' } }))).toEqual([
      'runners[0].jobMaximum.memory: must be at least jobDefaults.memory (4Gi), got "2Gi"',
    ]);
  });

  test('duplicate runner names', () => {
    const definition = cluster({ runners: [{ arch: 'amd64', token }, { arch: 'amd64', token }] });
    expect(problemsOf(definition)).toEqual([
      'runners[1].name: "amd64" is already the name of runners[0]; runner names must be unique (name the second runner of an architecture)',
    ]);
  });

  test('a job larger than the largest instance its pool may launch', () => {
    const problems = problemsOf(cluster({}, { jobMaximum: { cpu: '16', memory: '8Gi' }, nodePool: { maxInstanceCpu: 16 } }));
    expect(problems).toEqual([expect.stringMatching(/^runners\[0\]\.jobMaximum\.cpu: the largest job \(16 plus the helper\) needs 16\.2 CPU but the largest node of pool gitlab-ci-jobs-amd64 \(16 vCPU\)/)]);
  });

  test('an instance family of the other architecture', () => {
    expect(problemsOf(cluster({}, { arch: 'amd64', nodePool: { instanceFamilies: ['c7g'] } }))).toEqual([
      'runners[0].nodePool.instanceFamilies: "c7g" is an arm64 (Graviton) family but the runner\'s arch is amd64',
    ]);
  });

});
