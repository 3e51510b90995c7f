import { type FakeJob, type FakeProject, type FakeRunner, jobTimeout, runnerCanPick } from './model';

const project: FakeProject = { id: 10, fullPath: 'platform/app', groupPath: 'platform', buildTimeout: 3600 };
const otherProject: FakeProject = { id: 11, fullPath: 'other/app', groupPath: 'other', buildTimeout: 3600 };
const groups = new Map([
  [1, { id: 1, fullPath: 'platform' }],
  [2, { id: 2, fullPath: 'other' }],
]);

const runner = (overrides: Partial<FakeRunner> = {}): FakeRunner => ({
  id: 1, token: 'not-a-token', tokenExpiresAt: null, runnerType: 'instance_type', projectIds: [], description: '', maintenanceNote: '',
  paused: false, locked: false, runUntagged: false, tagList: ['linux', 'amd64', 'large'], accessLevel: 'not_protected',
  maximumTimeout: null, contactedAt: null, managers: [], createdBy: 1, ...overrides,
});
const job = (tags: readonly string[], overrides: Partial<FakeJob> = {}): FakeJob => ({
  id: 1, name: 'j', stage: 'test', projectId: project.id, pipelineId: 1, ref: 'main', refProtected: true, tags, image: 'alpine', services: [],
  script: ['true'], afterScript: [], variables: {}, status: 'pending', trace: Buffer.alloc(0), ...overrides,
});
const picks = (r: FakeRunner, j: FakeJob, p: FakeProject = project) => runnerCanPick(r, j, p, (id) => groups.get(id));

/** Every subset of a list. */
const subsets = <T>(items: readonly T[]): T[][] => items.reduce<T[][]>((all, item) => [...all, ...all.map((s) => [...s, item])], [[]]);

describe('which runner GitLab hands a job to', () => {
  const runnerTags = ['linux', 'amd64', 'large'];
  const foreignTags = ['arm64', 'gpu'];

  test('every non-empty subset of the runner tags is picked up, in any order', () => {
    const tagged = subsets(runnerTags).filter((s) => s.length > 0);
    expect(tagged).toHaveLength(7);
    for (const tags of tagged) {
      expect(picks(runner(), job(tags))).toBe(true);
      expect(picks(runner(), job([...tags].reverse()))).toBe(true);
    }
  });

  test('a job with any tag the runner lacks is never picked up, however many tags match', () => {
    const withForeign = subsets([...runnerTags, ...foreignTags]).filter((s) => s.some((t) => foreignTags.includes(t)));
    expect(withForeign.length).toBeGreaterThan(20);
    for (const tags of withForeign) {
      expect(picks(runner(), job(tags))).toBe(false);
      expect(picks(runner({ runUntagged: true }), job(tags))).toBe(false);
    }
  });

  test('a job asking for more tags than the runner has (a superset) is not picked up', () => {
    expect(picks(runner({ tagList: ['linux'] }), job(['linux', 'amd64']))).toBe(false);
  });

  test('untagged jobs go only to runners that run untagged jobs, whatever their tags', () => {
    for (const tagList of subsets(runnerTags)) {
      expect(picks(runner({ tagList, runUntagged: true }), job([]))).toBe(true);
      expect(picks(runner({ tagList, runUntagged: false }), job([]))).toBe(false);
    }
  });

  test('a paused runner gets no job at all: tagged, untagged, matching or not', () => {
    for (const tags of subsets([...runnerTags, ...foreignTags])) {
      expect(picks(runner({ paused: true, runUntagged: true }), job(tags))).toBe(false);
    }
  });

  test('a ref_protected runner takes only jobs of protected refs', () => {
    expect(picks(runner({ accessLevel: 'ref_protected' }), job(['linux'], { refProtected: true }))).toBe(true);
    expect(picks(runner({ accessLevel: 'ref_protected' }), job(['linux'], { refProtected: false }))).toBe(false);
    expect(picks(runner({ accessLevel: 'not_protected' }), job(['linux'], { refProtected: false }))).toBe(true);
  });

  test('project runners serve their projects, group runners the projects of their group and its subgroups', () => {
    expect(picks(runner({ runnerType: 'project_type', projectIds: [project.id] }), job(['linux']))).toBe(true);
    expect(picks(runner({ runnerType: 'project_type', projectIds: [otherProject.id] }), job(['linux']))).toBe(false);
    expect(picks(runner({ runnerType: 'group_type', groupId: 1 }), job(['linux']))).toBe(true);
    expect(picks(runner({ runnerType: 'group_type', groupId: 2 }), job(['linux']))).toBe(false);
    const sub: FakeProject = { ...project, groupPath: 'platform/team' };
    expect(picks(runner({ runnerType: 'group_type', groupId: 1 }), job(['linux']), sub)).toBe(true);
    const lookalike: FakeProject = { ...project, groupPath: 'platformer' };
    expect(picks(runner({ runnerType: 'group_type', groupId: 1 }), job(['linux']), lookalike)).toBe(false);
  });
});

describe('the timeout GitLab gives a job', () => {
  test('the runner maximum caps both the project timeout and a job timeout, and says so', () => {
    expect(jobTimeout({}, 7200, 3600)).toEqual({ timeout: 3600, source: 'runner_timeout_source' });
    expect(jobTimeout({ jobTimeout: 10_800 }, 600, 3600)).toEqual({ timeout: 3600, source: 'runner_timeout_source' });
  });

  test('below the runner maximum, the job timeout wins over the project timeout, longer or shorter', () => {
    expect(jobTimeout({ jobTimeout: 900 }, 3600, 7200)).toEqual({ timeout: 900, source: 'job_timeout_source' });
    expect(jobTimeout({ jobTimeout: 5400 }, 3600, 7200)).toEqual({ timeout: 5400, source: 'job_timeout_source' });
  });

  test('without a runner maximum nothing caps the pipeline', () => {
    expect(jobTimeout({}, 86_400, null)).toEqual({ timeout: 86_400, source: 'project_timeout_source' });
    expect(jobTimeout({ jobTimeout: 172_800 }, 3600, null)).toEqual({ timeout: 172_800, source: 'job_timeout_source' });
  });
});
