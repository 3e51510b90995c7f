/**
 * Tests sit beside the code they test (`*.test.ts`). SWC strips types; `npm run typecheck` checks them.
 *
 * Two projects. `integration` holds the tests that run real programs or servers as the thing under test: the synth
 * in scratch copies of the repository, git histories, the GitLab stand-in and moto, cfn-lint, kustomize, tsc on
 * the dashboard, the CI job scripts. `unit` holds everything else, in-process. `npx jest` runs both;
 * `npm run test:unit` (a fast stage of npm test) runs `unit`, `npm run test:integration` (a slow stage) the other.
 */
const INTEGRATION = [
  '<rootDir>/main.test.ts',
  '<rootDir>/synth.test.ts',
  '<rootDir>/tools/review/render-revisions.test.ts',
  '<rootDir>/tools/review/diff-history.test.ts',
  '<rootDir>/tools/gitlab/cli.test.ts',
  '<rootDir>/tools/gitlab/commands.test.ts',
  '<rootDir>/tools/gitlab/token-store.test.ts',
  '<rootDir>/charts/dashboard.test.ts',
  '<rootDir>/charts/bootstrap/cfn-lint.test.ts',
  '<rootDir>/charts/flux/kustomizations.test.ts',
  '<rootDir>/.ci/gitlab-side-jobs.test.ts',
  '<rootDir>/.ci/gitlab-ci.test.ts',
  '<rootDir>/.ci/fake-gitlab/**/*.test.ts',
  '<rootDir>/.ci/jobs/**/*.test.ts',
];

const common = {
  testEnvironment: 'node',
  roots: ['<rootDir>'],
  testPathIgnorePatterns: ['/node_modules/', '/dist/', '/cdk8s.out/', '/sample-app/'],
  transform: { '^.+\\.ts$': ['@swc/jest', { jsc: { target: 'es2022' } }] },
};

module.exports = {
  // Two workers on two cores: many tests wait on processes they spawn (git, esbuild, linters), so a second worker
  // overlaps those waits; jest's default (cores - 1) would run everything in one process.
  maxWorkers: 2,
  projects: [
    { ...common, displayName: 'unit', testMatch: ['<rootDir>/**/*.test.ts'], testPathIgnorePatterns: [...common.testPathIgnorePatterns, ...INTEGRATION.map((glob) => glob.replace('<rootDir>', '').replace('/**/*.test.ts', '/').replace(/\./g, '\\.'))] },
    { ...common, displayName: 'integration', testMatch: INTEGRATION },
  ],
};
