#!/usr/bin/env node
// Runs a TypeScript entry point fast: bundles it, with its libraries, into one file with esbuild, in
// node_modules/.cache/runner-fleet/, reusing the bundle while none of its inputs changed, then runs it. The bundle
// is keyed by the checkout's path (a copy of the repository may share node_modules through a link), and an input
// counts as changed when its size or modification time differs at all, not only when it is newer (git archive and
// tar restore old times).
// ts-node takes ~4 s and tsx ~2 s per synth here; a cached bundle costs what loading the libraries costs.
// usage: node scripts/run-ts.mjs <entry.ts> [args...]
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, realpathSync, statSync, writeFileSync } from 'node:fs';
import { SourceMap, createRequire } from 'node:module';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { URL, fileURLToPath } from 'node:url';

const [entry, ...args] = process.argv.slice(2);
if (!entry) {
  console.error('usage: node scripts/run-ts.mjs <entry.ts> [args...]');
  process.exit(2);
}
const root = resolve(import.meta.dirname ?? fileURLToPath(new URL('.', import.meta.url)), '..');
const cache = join(root, 'node_modules', '.cache', 'runner-fleet');
const checkout = createHash('sha256').update(root).digest('hex').slice(0, 12);
const bundle = join(cache, `${basename(entry, '.ts')}-${checkout}.cjs`);
const inputsFile = `${bundle}.inputs.json`;

/** What identifies an input's content cheaply: its size and modification time. */
function signature(input) {
  const path = join(root, input);
  if (!existsSync(path)) return null;
  const stat = statSync(path);
  return `${stat.size}:${stat.mtimeMs}`;
}

function fresh() {
  if (!existsSync(bundle) || !existsSync(inputsFile)) return false;
  const inputs = JSON.parse(readFileSync(inputsFile, 'utf8'));
  return Object.entries(inputs).every(([input, recorded]) => signature(input) === recorded);
}

if (!fresh()) {
  const { buildSync } = await import('esbuild');
  mkdirSync(cache, { recursive: true });
  let result;
  try {
    result = buildSync({
      absWorkingDir: root,
      entryPoints: [entry],
      bundle: true,
      platform: 'node',
      format: 'cjs',
      target: 'node20',
      // Libraries are bundled too: one file loads far faster than hundreds of modules resolved one by one.
      packages: 'bundle',
      outfile: bundle,
      metafile: true,
      sourcemap: 'external',
      // Bundled modules see the entry's folder as __dirname, as they would unbundled (main.ts is at the root).
      banner: { js: "const __entryDir = require('node:path').dirname(process.argv[1]);" },
      define: { __dirname: '__entryDir' },
      logLevel: 'silent',
    });
  } catch (error) {
    // A syntax error in a definition is bad input, not a bug: where it is and what is wrong, no stack trace.
    if (!Array.isArray(error?.errors)) throw error;
    const lines = error.errors.map(({ text, location }) =>
      location
        ? `  ${location.file}:${location.line}:${location.column + 1}: ${text}\n      ${location.line} | ${location.lineText}`
        : `  ${text}`,
    );
    console.error(`${entry} could not be built, so nothing was run and nothing was written:\n${lines.join('\n')}`);
    process.exit(1);
  }
  for (const warning of result.warnings) console.error(`warning: ${warning.location ? `${warning.location.file}:${warning.location.line}: ` : ''}${warning.text}`);
  writeFileSync(inputsFile, JSON.stringify(Object.fromEntries(Object.keys(result.metafile.inputs).map((input) => [input, signature(input)]))));
}
/**
 * Where an error was thrown, as `definitions/<file>.ts:line:column`, when its innermost frame is in a definition
 * file (mapped back through the bundle's source map); undefined otherwise.
 */
function definitionFrame(error) {
  const stack = typeof error?.stack === 'string' ? error.stack : '';
  const frame = /\((.*?):(\d+):(\d+)\)\n|at (\/.*?):(\d+):(\d+)\n/.exec(`${stack.split('\n').find((line) => /^\s+at /.test(line)) ?? ''}\n`);
  // Node reports the bundle by its real path (node_modules may be a link).
  if (!frame || !existsSync(`${bundle}.map`) || (frame[1] ?? frame[4]) !== realpathSync(bundle)) return undefined;
  const map = new SourceMap(JSON.parse(readFileSync(`${bundle}.map`, 'utf8')));
  const found = map.findEntry(Number(frame[2] ?? frame[5]) - 1, Number(frame[3] ?? frame[6]) - 1);
  if (!found?.originalSource) return undefined;
  const file = relative(root, resolve(dirname(bundle), found.originalSource)).split('\\').join('/');
  return file.startsWith('definitions/') ? `${file}:${found.originalLine + 1}:${found.originalColumn + 1}` : undefined;
}

process.argv = [process.argv[0], resolve(root, entry), ...args];
try {
  createRequire(join(root, 'package.json'))(bundle);
} catch (error) {
  // A definition that throws while it is built (a typo'd variable, a spread of undefined) is bad input too.
  const where = definitionFrame(error);
  if (!where) throw error;
  console.error(`${entry} stopped, so nothing was written: a definition threw while it was built:\n  ${where}: ${error?.name ?? 'Error'}: ${error?.message ?? String(error)}`);
  process.exit(1);
}
