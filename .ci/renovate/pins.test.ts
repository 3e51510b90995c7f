/**
 * Every pinned version in the repository is found by exactly one Renovate manager and grouped by exactly one
 * packageRule with a groupName; Karpenter minors are never automerged.
 *
 * Two independent readings of the repository meet here:
 * - `findPins` reads the files the way a person would list pins (every version-valued key of lib/versions.json,
 *   every go.mod requirement and go directive, every npm dependency, every `==` requirement, every CI image and
 *   version variable, every `*_VERSION=` in a script, every image:tag literal in source), so a pin added
 *   anywhere shows up here whether or not renovate.json knows it;
 * - `extract` applies renovate.json: its regex managers' own patterns over the files their managerFilePatterns
 *   select, and the native managers (npm, gomod, pip_requirements) over the files their default patterns select.
 * Renovate itself needs Node 24 for extraction, so its matching is reproduced for the options this config uses;
 * an option the reproduction does not know fails the test rather than being ignored.
 * `npm run lint:renovate` checks the file with Renovate's own validator.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const root = join(__dirname, '..', '..');
const config = JSON.parse(readFileSync(join(root, 'renovate.json'), 'utf8'));
// Unique: during a merge, ls-files lists a conflicted file once per stage.
const files = [...new Set(execFileSync('git', ['ls-files', '-co', '--exclude-standard'], { cwd: root, encoding: 'utf8' }).split('\n'))]
  .filter((f) => f && !f.startsWith('dist/') && !f.startsWith('imports/') && !f.includes('node_modules/'));
const read = (file: string) => readFileSync(join(root, file), 'utf8');

interface Pin {
  readonly file: string;
  readonly line: number;
  readonly value: string;
  /** What a reader calls it. */
  readonly what: string;
}

interface Dep {
  readonly file: string;
  readonly line: number;
  readonly value: string;
  readonly depName: string;
  readonly manager: string;
  readonly datasource?: string;
}

const VERSION = /^v?\d+(\.\d+)*([-+][\w.-]+)?$/;

function lineOf(text: string, index: number): number {
  return text.slice(0, index).split('\n').length;
}

/** Every line (1-based) of `text` matching `pattern`, with its match. */
function lines(text: string, pattern: RegExp): Array<[number, RegExpExecArray]> {
  return text.split('\n').flatMap((l, i) => {
    const m = pattern.exec(l);
    return m ? [[i + 1, m] as [number, RegExpExecArray]] : [];
  });
}

function findPins(): Pin[] {
  const pins: Pin[] = [];
  // lib/versions.json: every string that is a version or an AMI alias; `supported` lists what the synth accepts.
  const versions = read('lib/versions.json');
  for (const [line, m] of lines(versions, /^\s*"([\w$]+)": "([^"]+)"/)) {
    const [, key, value] = m as unknown as [string, string, string];
    if (key === '$comment' || key === 'name' || key === 'module') continue;
    // API versions of imported kinds (v1, v1beta3) name a schema, not a release.
    if (key === 'version' && /^v\d+((alpha|beta)\d+)?$/.test(value)) continue;
    if (VERSION.test(value)) pins.push({ file: 'lib/versions.json', line, value, what: key });
    // An AMI alias pins the release after the "@".
    else if (/@v\d/.test(value)) pins.push({ file: 'lib/versions.json', line, value: value.slice(value.indexOf('@') + 1), what: key });
  }
  for (const file of files) {
    const text = () => read(file);
    if (/(^|\/)go\.mod$/.test(file)) {
      for (const [line, m] of lines(text(), /^(?:require\s+|\t)([\w./~-]+)\s+(v[^\s]+)/)) pins.push({ file, line, value: m[2]!, what: m[1]! });
      for (const [line, m] of lines(text(), /^(go|toolchain)\s+(\S+)/)) pins.push({ file, line, value: m[2]!, what: m[1]! });
    } else if (/(^|\/)package\.json$/.test(file)) {
      const json = JSON.parse(text());
      for (const section of ['dependencies', 'devDependencies', 'optionalDependencies', 'peerDependencies']) {
        for (const [name, value] of Object.entries<string>(json[section] ?? {})) {
          const [line] = lines(text(), new RegExp(`^\\s*"${name.replace(/[/.]/g, '\\$&')}": "`))[0]!;
          pins.push({ file, line, value, what: name });
        }
      }
    } else if (/requirements[^/]*\.txt$/.test(file)) {
      for (const [line, m] of lines(text(), /^([\w.-]+)==(\S+)/)) pins.push({ file, line, value: m[2]!, what: m[1]! });
    } else if (file === '.gitlab-ci.yml') {
      for (const [line, m] of lines(text(), /^\s+([A-Z_]+_(?:IMAGE|VERSION)): "?([^"\s$]+)"?$/)) {
        pins.push({ file, line, value: m[2]!.replace(/^.*?:(?=[^:]+$)/, '').replace(/@sha256:.*/, ''), what: m[1]! });
      }
    } else if (/\.sh$/.test(file)) {
      for (const [line, m] of lines(text(), /^\s*(?:export\s+)?([A-Z_]*VERSION)="?(?:\$\{[A-Z_]+:-)?(v?\d[^"}\s]*)/)) pins.push({ file, line, value: m[2]!, what: m[1]! });
    } else if (/\.ts$/.test(file) && !/(\.test|(^|\/)testing)\.ts$/.test(file) && !file.startsWith('.ci/')) {
      // What the fleet ships (lib, charts, tools, scripts): not tests, their fixtures (testing.ts) or the test
      // doubles under .ci/ (a fake GitLab's default job image is test data, not something clusters run).
      for (const [line, m] of lines(text(), /'([a-z0-9./-]+):(\d[\w.-]*)'/)) pins.push({ file, line, value: m[2]!, what: m[1]! });
    } else if (/(^|\/)SOURCE\.json$/.test(file)) {
      for (const [line, m] of lines(text(), /^\s*"version": "([^"]+)"/)) pins.push({ file, line, value: m[1]!, what: 'version' });
    }
  }
  return pins;
}

/** A Renovate pattern string: `/regex/` or an exact name. */
function patternMatches(pattern: string, value: string): boolean {
  const regex = /^\/(.+)\/$/.exec(pattern);
  return regex ? new RegExp(regex[1]!).test(value) : pattern === value;
}

/** Renovate's `match*` lists: any positive pattern matches (or there is none) and no `!` pattern matches. */
function listMatches(patterns: readonly string[], value: string, matcher: (p: string, v: string) => boolean): boolean {
  const negative = patterns.filter((p) => p.startsWith('!')).map((p) => p.slice(1));
  const positive = patterns.filter((p) => !p.startsWith('!'));
  return (positive.length === 0 || positive.some((p) => matcher(p, value))) && !negative.some((p) => matcher(p, value));
}

function globMatches(glob: string, file: string): boolean {
  const regex = glob
    .split('**')
    .map((part) => part.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[^/]*'))
    .join('.*');
  return new RegExp(`^${regex}$`).test(file);
}

const NATIVE_MANAGERS: Record<string, { files: RegExp; kinds: (pin: Pin) => boolean }> = {
  // Renovate's default managerFilePatterns for each.
  npm: { files: /(^|\/)package\.json$/, kinds: () => true },
  gomod: { files: /(^|\/)go\.mod$/, kinds: () => true },
  pip_requirements: { files: /(^|\/)[\w-]*requirements([-.]\w+)?\.(txt|pip)$/, kinds: () => true },
};

function extract(pins: readonly Pin[]): Dep[] {
  const deps: Dep[] = [];
  expect([...config.enabledManagers].sort()).toEqual([...Object.keys(NATIVE_MANAGERS), 'custom.regex'].sort());
  for (const [manager, { files: pattern }] of Object.entries(NATIVE_MANAGERS)) {
    for (const pin of pins.filter((p) => pattern.test(p.file))) {
      deps.push({ file: pin.file, line: pin.line, value: pin.value, depName: pin.what, manager });
    }
  }
  for (const custom of config.customManagers) {
    const known = ['description', 'customType', 'managerFilePatterns', 'matchStrings', 'depNameTemplate', 'datasourceTemplate', 'packageNameTemplate', 'extractVersionTemplate', 'versioningTemplate', 'registryUrlTemplate'];
    expect(Object.keys(custom).filter((k) => !known.includes(k))).toEqual([]);
    expect(custom.customType).toBe('regex');
    const selected = files.filter((f) => custom.managerFilePatterns.some((p: string) => patternMatches(p, f)));
    for (const file of selected) {
      const text = read(file);
      for (const source of custom.matchStrings as string[]) {
        for (const m of text.matchAll(new RegExp(source, 'g'))) {
          const groups = m.groups!;
          const valueIndex = m.index! + m[0].lastIndexOf(groups.currentValue!);
          deps.push({
            file,
            line: lineOf(text, valueIndex),
            value: groups.currentValue!,
            depName: groups.depName ?? custom.depNameTemplate,
            manager: 'custom.regex',
            datasource: groups.datasource ?? custom.datasourceTemplate,
          });
        }
      }
    }
  }
  return deps;
}

/** The packageRules that match a dependency, with Renovate's semantics for the matchers this config uses. */
function matchingRules(dep: Dep, updateType?: string): Array<Record<string, any>> {
  const matchers: Record<string, (patterns: string[]) => boolean> = {
    matchDepNames: (p) => listMatches(p, dep.depName, patternMatches),
    matchFileNames: (p) => listMatches(p, dep.file, globMatches),
    matchManagers: (p) => listMatches(p, dep.manager, patternMatches),
    matchDatasources: (p) => listMatches(p, dep.datasource ?? '', patternMatches),
    matchUpdateTypes: (p) => updateType !== undefined && p.includes(updateType),
  };
  return (config.packageRules as Array<Record<string, any>>).filter((rule) =>
    Object.entries(rule)
      .filter(([key]) => key.startsWith('match'))
      .every(([key, patterns]) => {
        if (!matchers[key]) throw new Error(`packageRules use ${key}, which this test does not reproduce: add it`);
        return matchers[key](patterns as string[]);
      }),
  );
}

const pins = findPins();
const deps = extract(pins);
const at = (x: { file: string; line: number }) => `${x.file}:${x.line}`;

test('the pin finder sees the pins a reader would list, in every kind of file', () => {
  const whats = new Set(pins.map((p) => `${p.file}#${p.what}`));
  for (const expected of [
    'lib/versions.json#karpenter', 'lib/versions.json#amiAlias', 'lib/versions.json#default', 'lib/versions.json#version',
    'package.json#cdk8s', '.ci/cluster/apiserver/go.mod#k8s.io/kubernetes', '.ci/promtool/go.mod#github.com/prometheus/prometheus',
    'sample-app/go.mod#go', '.gitlab-ci.yml#GO_IMAGE', '.gitlab-ci.yml#GO_VERSION', '.ci/lint/run.sh#KUBECONFORM_VERSION',
    '.ci/jobs/lib/ensure-go.sh#GO_VERSION', '.ci/lint/checkov-requirements.txt#checkov', 'lib/model/resolve.ts#alpine',
    '.ci/renovate/package.json#renovate', '.ci/gitlab-ci/schema/SOURCE.json#version',
  ]) {
    expect(whats).toContain(expected);
  }
});

/** Pins no manager (or two) finds, and dependencies that are no pin. */
function coverageProblems(pins: readonly Pin[], deps: readonly Dep[]): string[] {
  const byPlace = new Map<string, Dep[]>();
  for (const dep of deps) byPlace.set(at(dep), [...(byPlace.get(at(dep)) ?? []), dep]);
  return [
    ...pins.flatMap((pin) => {
      const found = (byPlace.get(at(pin)) ?? []).filter((d) => d.value === pin.value);
      return found.length === 1 ? [] : [`${at(pin)} ${pin.what}=${pin.value}: found by ${found.length} managers`];
    }),
    ...deps.flatMap((dep) => (pins.some((p) => at(p) === at(dep) && p.value === dep.value) ? [] : [`${at(dep)}: ${dep.manager} extracts ${dep.depName}=${dep.value}, which is no pin`])),
  ];
}

test('every pin is found by exactly one manager, and every manager finds only pins', () => {
  expect(coverageProblems(pins, deps)).toEqual([]);
});

test('every dependency Renovate finds belongs to exactly one group', () => {
  const problems = deps.flatMap((dep) => {
    const groups = matchingRules(dep).filter((r) => r.groupName).map((r) => r.groupName);
    return groups.length === 1 ? [] : [`${at(dep)} ${dep.depName}: groups ${JSON.stringify(groups)}`];
  });
  expect(problems).toEqual([]);
});

test('a Karpenter minor or major is never automerged; a patch of a tool is', () => {
  const automerge = (dep: Dep, updateType: string) =>
    matchingRules(dep, updateType).reduce<boolean | undefined>((value, rule) => ('automerge' in rule ? rule.automerge : value), undefined);
  const karpenter = deps.filter((d) => d.depName === 'karpenter' || d.depName === 'github.com/aws/karpenter-provider-aws');
  expect(karpenter.length).toBeGreaterThanOrEqual(2);
  for (const dep of karpenter) {
    for (const updateType of ['major', 'minor', 'patch']) expect({ dep: at(dep), updateType, automerge: automerge(dep, updateType) === true }).toEqual({ dep: at(dep), updateType, automerge: false });
  }
  const tool = deps.find((d) => d.depName === 'zegl/kube-score')!;
  expect(automerge(tool, 'patch')).toBe(true);
  expect(automerge(tool, 'minor')).toBeFalsy();
});

test('a pin no manager knows, or one two managers find, is reported', () => {
  const unknown: Pin = { file: '.ci/new-tool/run.sh', line: 3, value: '1.2.3', what: 'NEW_TOOL_VERSION' };
  expect(coverageProblems([...pins, unknown], deps)).toEqual(['.ci/new-tool/run.sh:3 NEW_TOOL_VERSION=1.2.3: found by 0 managers']);
  const twice = deps.find((d) => d.depName === 'karpenter')!;
  expect(coverageProblems(pins, [...deps, { ...twice, manager: 'npm' }])).toEqual([expect.stringMatching(/^lib\/versions\.json:\d+ karpenter=1\.14\.\d+: found by 2 managers$/)]);
});
