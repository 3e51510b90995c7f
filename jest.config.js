/** Tests sit beside the code they test (`*.test.ts`). SWC strips types; `npm run typecheck` checks them. */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>'],
  testMatch: ['**/*.test.ts'],
  // Two workers on two cores: many tests wait on processes they spawn (git, esbuild, linters), so a second worker
  // overlaps those waits; jest's default (cores - 1) would run everything in one process.
  maxWorkers: 2,
  testPathIgnorePatterns: ['/node_modules/', '/dist/', '/cdk8s.out/', '/sample-app/'],
  transform: { '^.+\\.ts$': ['@swc/jest', { jsc: { target: 'es2022' } }] },
};
