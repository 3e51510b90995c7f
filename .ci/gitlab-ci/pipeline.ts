/**
 * A model of a `.gitlab-ci.yml` as GitLab evaluates it, just deep enough to check the job graph: jobs with
 * `extends` resolved, `parallel: matrix` expanded into its job instances, `needs` and `tags` resolved against
 * those instances and against the runners that would pick the jobs up.
 */
import { parse } from 'yaml';

/** What the graph check needs to know of a runner: its architecture and the tags it carries. */
export interface RunnerTags {
  readonly arch: string;
  readonly tags: readonly string[];
}

type Variables = Readonly<Record<string, string>>;

/** One job as GitLab runs it: a plain job, or one instance of a `parallel: matrix` job. */
export interface JobInstance {
  /** The job's key in the file, e.g. `build`. */
  readonly job: string;
  /** The name GitLab shows, e.g. `build: [arm64]` for a matrix instance. */
  readonly name: string;
  readonly stage: string;
  /** The matrix variables of this instance (empty for a plain job). */
  readonly matrix: Variables;
  /** Global, job and matrix variables, later ones winning. */
  readonly variables: Variables;
  /** `tags` with variables expanded. */
  readonly tags: readonly string[];
  readonly needs: readonly Need[];
}

export interface Need {
  readonly job: string;
  /** `needs:parallel:matrix` entries, expanded; undefined means every instance of the job. */
  readonly matrix?: readonly Variables[];
}

/** Keys at the top of the file that are not jobs. */
const GLOBAL_KEYWORDS = new Set([
  'default', 'include', 'stages', 'variables', 'workflow', 'image', 'services', 'cache', 'before_script',
  'after_script', 'spec',
]);

/** Parses a `.gitlab-ci.yml` (YAML merge keys allowed, `!reference` kept as a sequence). */
export function parsePipeline(text: string): Record<string, unknown> {
  const doc: unknown = parse(text, {
    merge: true,
    customTags: [{ tag: '!reference', collection: 'seq', default: false, resolve: (seq: unknown) => seq } as never],
  });
  if (!isObject(doc)) throw new Error(`a .gitlab-ci.yml must be a mapping, got ${JSON.stringify(doc)}`);
  return doc;
}

function isObject(v: unknown): v is Record<string, any> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** GitLab's `extends` merge: mappings merge deeply, anything else (arrays too) is replaced. */
function deepMerge(base: Record<string, any>, over: Record<string, any>): Record<string, any> {
  const out: Record<string, any> = { ...base };
  for (const [k, v] of Object.entries(over)) out[k] = isObject(v) && isObject(out[k]) ? deepMerge(out[k], v) : v;
  return out;
}

function resolveExtends(doc: Record<string, unknown>, key: string, seen: readonly string[] = []): Record<string, any> {
  if (seen.includes(key)) throw new Error(`extends loop: ${[...seen, key].join(' -> ')}`);
  const job = doc[key];
  if (!isObject(job)) throw new Error(`'${seen.at(-1) ?? key}' extends '${key}', which is not a job or hidden job`);
  const parents: string[] = job.extends === undefined ? [] : [job.extends].flat();
  let merged: Record<string, any> = {};
  for (const parent of parents) merged = deepMerge(merged, resolveExtends(doc, parent, [...seen, key]));
  const { extends: _drop, ...own } = job;
  return deepMerge(merged, own);
}

/** Every combination of one matrix entry: `{A: [x, y], B: z}` gives `{A: x, B: z}` and `{A: y, B: z}`. */
export function expandMatrixEntry(entry: Readonly<Record<string, unknown>>): Variables[] {
  let combos: Record<string, string>[] = [{}];
  for (const [name, value] of Object.entries(entry)) {
    const values = [value].flat().map(String);
    combos = combos.flatMap((c) => values.map((v) => ({ ...c, [name]: v })));
  }
  return combos;
}

/** Expands `$VAR` and `${VAR}`; a variable that is not defined is left as written. */
export function expandVariables(text: string, variables: Variables): string {
  return text.replace(/\$(?:\{(\w+)\}|(\w+))/g, (whole, braced?: string, bare?: string) => {
    const name = (braced ?? bare)!;
    return name in variables ? variables[name]! : whole;
  });
}

function stringVariables(v: unknown): Record<string, string> {
  if (!isObject(v)) return {};
  return Object.fromEntries(Object.entries(v).map(([k, val]) => [k, String(isObject(val) ? val.value ?? '' : val)]));
}

/** Every job instance of the pipeline, with `extends` resolved and `parallel: matrix` expanded. */
export function jobInstances(doc: Record<string, unknown>): JobInstance[] {
  const globals = stringVariables(doc.variables);
  const instances: JobInstance[] = [];
  for (const key of Object.keys(doc)) {
    if (GLOBAL_KEYWORDS.has(key) || key.startsWith('.') || !isObject(doc[key])) continue;
    const job = resolveExtends(doc, key);
    const own = { ...globals, ...stringVariables(job.variables) };
    const matrix: Variables[] = isObject(job.parallel) && Array.isArray(job.parallel.matrix)
      ? job.parallel.matrix.flatMap((e: Record<string, unknown>) => expandMatrixEntry(e))
      : [{}];
    const needs: Need[] = (Array.isArray(job.needs) ? job.needs : []).map((n: unknown) => {
      if (typeof n === 'string') return { job: n };
      if (!isObject(n) || typeof n.job !== 'string') throw new Error(`job '${key}': cannot read need ${JSON.stringify(n)}`);
      const entries = isObject(n.parallel) && Array.isArray(n.parallel.matrix) ? n.parallel.matrix : undefined;
      return entries ? { job: n.job, matrix: entries.flatMap((e: Record<string, unknown>) => expandMatrixEntry(e)) } : { job: n.job };
    });
    for (const m of matrix) {
      const variables = { ...own, ...m };
      const values = Object.values(m);
      instances.push({
        job: key,
        name: values.length > 0 ? `${key}: [${values.join(', ')}]` : key,
        stage: typeof job.stage === 'string' ? job.stage : 'test',
        matrix: m,
        variables,
        tags: (Array.isArray(job.tags) ? job.tags : []).map((t: unknown) => expandVariables(String(t), variables)),
        needs: needs.map((n) => (n.matrix
          ? { ...n, matrix: n.matrix.map((entry) => Object.fromEntries(Object.entries(entry).map(([k, v]) => [k, expandVariables(v, variables)]))) }
          : n)),
      });
    }
  }
  return instances;
}

/** The instances a need points at. */
export function resolveNeed(need: Need, instances: readonly JobInstance[]): JobInstance[] {
  const ofJob = instances.filter((i) => i.job === need.job);
  if (!need.matrix) return ofJob;
  return ofJob.filter((i) => need.matrix!.some((entry) => Object.entries(entry).every(([k, v]) => i.matrix[k] === v)));
}

/** The runners that could pick an instance up: those that carry every one of its tags. */
export function runnersFor(instance: JobInstance, runners: readonly RunnerTags[]): RunnerTags[] {
  return runners.filter((r) => instance.tags.every((t) => r.tags.includes(t)));
}

export interface GraphRules {
  /** The job that publishes the multi-arch list. */
  readonly publishJob: string;
  /** The per-arch build job (a `parallel: matrix` over `archVariable`). */
  readonly buildJob: string;
  /** The stage of the per-arch test jobs. */
  readonly testStage: string;
  /** The matrix variable naming the architecture. */
  readonly archVariable: string;
}

export const DEFAULT_RULES: GraphRules = { publishJob: 'manifest', buildJob: 'build', testStage: 'test', archVariable: 'BUILD_ARCH' };

/**
 * Checks the job graph and returns every problem found (an empty list means none):
 * - every `needs` names a job, and its `parallel: matrix` entries name instances of it;
 * - every instance's tags are carried by at least one runner of the fleet, with no variable left unexpanded;
 * - an instance with an arch variable lands only on runners of that arch;
 * - each arch's test needs only that arch's build, so it starts as soon as that build ends;
 * - the publish job needs every build instance and every test job.
 */
export function checkJobGraph(doc: Record<string, unknown>, runners: readonly RunnerTags[], rules: GraphRules = DEFAULT_RULES): string[] {
  const problems: string[] = [];
  const instances = jobInstances(doc);
  const jobs = new Set(instances.map((i) => i.job));

  for (const inst of instances) {
    for (const need of inst.needs) {
      if (!jobs.has(need.job)) {
        problems.push(`${inst.name}: needs '${need.job}', which is not a job`);
        continue;
      }
      for (const entry of need.matrix ?? []) {
        if (resolveNeed({ job: need.job, matrix: [entry] }, instances).length === 0) {
          problems.push(`${inst.name}: needs '${need.job}' with matrix ${JSON.stringify(entry)}, which matches no instance of it`);
        }
      }
    }

    const unexpanded = inst.tags.filter((t) => t.includes('$'));
    if (unexpanded.length > 0) problems.push(`${inst.name}: tags ${JSON.stringify(unexpanded)} name undefined variables`);
    const candidates = runnersFor(inst, runners);
    if (candidates.length === 0) {
      problems.push(`${inst.name}: no runner of the fleet carries all of tags ${JSON.stringify(inst.tags)}`);
    }
    const arch = inst.variables[rules.archVariable];
    if (arch !== undefined) {
      const wrong = candidates.filter((r) => r.arch !== arch);
      if (wrong.length > 0) {
        problems.push(`${inst.name}: ${rules.archVariable}=${arch} but runners of arch ${[...new Set(wrong.map((r) => r.arch))].join(', ')} carry its tags ${JSON.stringify(inst.tags)}`);
      }
    }
  }

  const builds = instances.filter((i) => i.job === rules.buildJob);
  if (builds.length === 0) problems.push(`no '${rules.buildJob}' job`);
  for (const test of instances.filter((i) => i.stage === rules.testStage)) {
    const arch = test.variables[rules.archVariable];
    const needed = test.needs.flatMap((n) => resolveNeed(n, instances)).filter((i) => i.job === rules.buildJob);
    if (arch === undefined) {
      problems.push(`${test.name}: a test job without ${rules.archVariable}`);
    } else if (needed.length === 0 || needed.some((b) => b.matrix[rules.archVariable] !== arch)) {
      problems.push(`${test.name}: must need only the ${rules.archVariable}=${arch} instance of '${rules.buildJob}', needs [${needed.map((b) => b.name).join(', ')}]`);
    }
  }

  const publish = instances.filter((i) => i.job === rules.publishJob);
  if (publish.length === 0) problems.push(`no '${rules.publishJob}' job`);
  for (const p of publish) {
    const needed = new Set(p.needs.flatMap((n) => resolveNeed(n, instances)).map((i) => i.name));
    for (const required of instances.filter((i) => i.job === rules.buildJob || i.stage === rules.testStage)) {
      if (!needed.has(required.name)) problems.push(`${p.name}: does not need '${required.name}'`);
    }
  }
  return problems;
}
