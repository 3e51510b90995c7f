/** The fake GitLab for tests: runner management REST API and the runner's job API, one server. See server.ts. */
export { FakeGitLab, type FakeGitLabOptions, type InjectedFailure, type JobSpec, type JobView, type RecordedRequest, type RunnerPatch, type RunnerSpec } from './server';
export { jobTimeout, runnerCanPick, type FakeJob, type FakeRunner, type JobStatus, type TokenScope } from './model';
