import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

const root = join(__dirname, '..');
const node = (args: string[], input?: string) => spawnSync(process.execPath, args, { cwd: root, encoding: 'utf8', input });

/** Runs parseFlags on a flags.go text, in the script's own ES module. */
function parse(source: string): unknown {
  const result = node(
    ['--input-type=module', '-e', "import { parseFlags } from './scripts/runner-feature-flags.mjs'; let s = ''; for await (const c of process.stdin) s += c; console.log(JSON.stringify(parseFlags(s)));"],
    source,
  );
  if (result.status !== 0) throw new Error(result.stderr);
  return JSON.parse(result.stdout);
}

test('reads names from constants or strings, fields left out as Go zero values, braces inside descriptions', () => {
  const source = `package featureflags
const (
\tUseFastzip string = "FF_USE_FASTZIP"
\tPrintPodEvents string = "FF_PRINT_POD_EVENTS"
)
var flags = []FeatureFlag{
\t{
\t\tName:         "FF_TEST_FEATURE",
\t\tDefaultValue: false,
\t\tDeprecated:   true,
\t\tDescription:  "used {in} tests \\" quoted }",
\t},
\t{
\t\tName:            UseFastzip,
\t\tDefaultValue:    true,
\t\tDeprecated:      true,
\t\tToBeRemovedWith: "19.7",
\t\tDescription: "Fastzip " +
\t\t\t"{more}",
\t},
\t{
\t\tName:        PrintPodEvents,
\t\tDescription: "no default, no deprecation",
\t},
}
`;
  expect(parse(source)).toEqual([
    { name: 'FF_TEST_FEATURE', default: false, deprecated: true },
    { name: 'FF_USE_FASTZIP', default: true, deprecated: true, toBeRemovedWith: '19.7' },
    { name: 'FF_PRINT_POD_EVENTS', default: false, deprecated: false },
  ]);
});

test('refuses an entry it cannot read instead of guessing', () => {
  expect(() => parse('var flags = []FeatureFlag{\n\t{\n\t\tName: Unknown,\n\t},\n}\n')).toThrow(/cannot read the entry/);
});

test('the committed list is what the pinned runner source gives (fetched from the Go module proxy once, then cached)', () => {
  const result = node(['scripts/runner-feature-flags.mjs', '--check']);
  expect(result.stderr).toBe('');
  expect(result.status).toBe(0);
}, 120_000);
