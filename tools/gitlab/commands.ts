/**
 * gitlab:plan, gitlab:apply and gitlab:rotate: the definitions against each GitLab instance they name.
 * Exit status: plan 0 when GitLab matches, 1 when apply would change something, 2 on error; apply 0 when GitLab
 * matches afterwards, 1 when something waits for a person (a token folder, a conflict), 2 on error; rotate 0 or 2.
 * Everything printed passes through a filter that removes token-shaped strings and every token this run saw.
 */
import { writeFileSync } from 'node:fs';
import type { ResolvedCluster } from '../../lib/model/resolved';
import { redactTokens } from '../../lib/model/token-shapes';
import { applyPlan, rotateToken } from './apply';
import { type DesiredRunner, desiredRunners } from './desired';
import { GitLabApi } from './gitlab-api';
import { hasChanges, type InstancePlan, planGitLab } from './plan';
import { planMarkdown, planText } from './report';
import type { TokenStore } from './token-store';

export interface CommandIo {
  out(text: string): void;
  err(text: string): void;
}

export interface CommandOptions {
  readonly fleet: readonly ResolvedCluster[];
  /** Only these clusters (all when empty). */
  readonly clusters?: readonly string[];
  /** rotate: the runner, `<cluster>/<runner>`. */
  readonly runner?: string;
  /** plan/apply: also write the plan as Markdown here. */
  readonly markdownFile?: string;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly io: CommandIo;
  readonly tokenStore: () => TokenStore;
  /** @default - a GitLabApi */
  readonly gitlab?: (url: string, token: string) => GitLabApi;
}

/** The environment variable holding the token for a GitLab instance: GITLAB_TOKEN_<HOST> first, then GITLAB_TOKEN. */
export function tokenVariables(gitlabUrl: string): string[] {
  const host = new URL(gitlabUrl).host.toUpperCase().replace(/[^A-Z0-9]/g, '_');
  return [`GITLAB_TOKEN_${host}`, 'GITLAB_TOKEN'];
}

class UsageError extends Error {}

function select(options: CommandOptions): { clusters: ResolvedCluster[]; desired: DesiredRunner[] } {
  const names = options.clusters ?? [];
  const unknown = names.filter((n) => !options.fleet.some((c) => c.name === n));
  if (unknown.length) throw new UsageError(`unknown cluster ${unknown.map((n) => `"${n}"`).join(', ')}; the definitions have ${options.fleet.map((c) => `"${c.name}"`).join(', ')}`);
  const clusters = options.fleet.filter((c) => names.length === 0 || names.includes(c.name));
  return { clusters, desired: desiredRunners(clusters) };
}

/** Desired runners grouped by GitLab instance; RUNNER_FLEET_GITLAB_URL points every cluster at one instance. */
function byInstance(options: CommandOptions, desired: readonly DesiredRunner[], clusters: readonly ResolvedCluster[]): Map<string, { desired: DesiredRunner[]; clusters: Set<string> }> {
  const override = options.env.RUNNER_FLEET_GITLAB_URL?.replace(/\/+$/, '');
  const out = new Map<string, { desired: DesiredRunner[]; clusters: Set<string> }>();
  for (const cluster of clusters) {
    const url = override || cluster.gitlabUrl;
    if (!out.has(url)) out.set(url, { desired: [], clusters: new Set() });
    out.get(url)!.clusters.add(cluster.name);
    out.get(url)!.desired.push(...desired.filter((d) => d.cluster === cluster.name).map((d) => ({ ...d, gitlabUrl: url })));
  }
  return out;
}

function apiFor(options: CommandOptions, url: string, secrets: Set<string>): GitLabApi {
  const variables = tokenVariables(url);
  const name = variables.find((v) => options.env[v]);
  if (!name) throw new UsageError(`no GitLab token for ${url}: set ${variables.join(' or ')} (see docs/gitlab-side.md for the scopes)`);
  const token = options.env[name]!;
  secrets.add(token);
  return (options.gitlab ?? ((u, t) => new GitLabApi(u, t)))(url, token);
}

/** Wraps io so nothing printed carries a token. */
function safeIo(io: CommandIo, secrets: Set<string>): CommandIo {
  const clean = (text: string) => [...secrets].filter((s) => s.length >= 8).reduce((t, s) => t.split(s).join('[redacted]'), redactTokens(text));
  return { out: (text) => io.out(clean(text)), err: (text) => io.err(clean(text)) };
}

async function plans(options: CommandOptions, io: CommandIo, secrets: Set<string>): Promise<Array<{ api: GitLabApi; plan: InstancePlan }>> {
  const { clusters, desired } = select(options);
  const out: Array<{ api: GitLabApi; plan: InstancePlan }> = [];
  for (const [url, instance] of byInstance(options, desired, clusters)) {
    const api = apiFor(options, url, secrets);
    out.push({ api, plan: await planGitLab(api, instance.desired, instance.clusters) });
  }
  const all = out.map((p) => p.plan);
  io.out(planText(all));
  if (options.markdownFile) writeFileSync(options.markdownFile, planMarkdown(all));
  return out;
}

async function guarded(options: CommandOptions, name: string, run: (io: CommandIo, secrets: Set<string>) => Promise<number>): Promise<number> {
  const secrets = new Set<string>();
  const io = safeIo(options.io, secrets);
  try {
    return await run(io, secrets);
  } catch (error) {
    io.err(`gitlab:${name}: ${error instanceof Error ? error.message : String(error)}\n`);
    return 2;
  }
}

export function planCommand(options: CommandOptions): Promise<number> {
  return guarded(options, 'plan', async (io, secrets) => {
    const result = await plans(options, io, secrets);
    return hasChanges(result.map((r) => r.plan)) ? 1 : 0;
  });
}

export function applyCommand(options: CommandOptions): Promise<number> {
  return guarded(options, 'apply', async (io, secrets) => {
    const store = options.tokenStore();
    const result = await plans(options, io, secrets);
    const pending: string[] = [];
    const followUps: string[] = [];
    for (const { api, plan } of result) {
      const outcome = await applyPlan(api, plan, wrapStore(store, secrets), (line) => io.out(`${line}\n`));
      pending.push(...outcome.pending);
      followUps.push(...outcome.followUps);
    }
    for (const f of followUps) io.out(`to do: ${f}\n`);
    for (const p of pending) io.err(`waiting: ${p}\n`);
    io.out(pending.length ? `Apply left ${pending.length} runner(s) waiting.\n` : 'Apply complete: GitLab matches the definitions.\n');
    return pending.length ? 1 : 0;
  });
}

export function rotateCommand(options: CommandOptions): Promise<number> {
  return guarded(options, 'rotate', async (io, secrets) => {
    const key = options.runner;
    if (!key) throw new UsageError('rotate needs --runner <cluster>/<runner>');
    const [cluster] = key.split('/');
    const { clusters, desired } = select({ ...options, clusters: [cluster] });
    const instance = [...byInstance(options, desired, clusters)].find(([, i]) => i.desired.some((d) => d.key === key));
    if (!instance) throw new UsageError(`no runner "${key}" in the definitions; runners: ${desiredRunners(options.fleet).map((d) => d.key).join(', ')}`);
    const [url, { desired: instanceDesired }] = instance;
    const api = apiFor(options, url, secrets);
    const outcome = await rotateToken(api, instanceDesired.find((d) => d.key === key)!, wrapStore(options.tokenStore(), secrets), (line) => io.out(`${line}\n`));
    for (const f of outcome.followUps) io.out(`to do: ${f}\n`);
    return 0;
  });
}

/** Remembers every token stored, so that nothing printed afterwards can carry it. */
function wrapStore(store: TokenStore, secrets: Set<string>): TokenStore {
  return {
    unavailable: (runner) => store.unavailable(runner),
    afterRotation: (runner) => store.afterRotation(runner),
    store: (runner, token) => {
      secrets.add(token);
      return store.store(runner, token);
    },
  };
}
