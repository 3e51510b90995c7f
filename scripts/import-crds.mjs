#!/usr/bin/env node
// Regenerates imports/ (typed cdk8s constructs) for exactly the custom resource kinds the charts render, listed in
// lib/versions.json `imports` (group, kind, version), from the upstream CRDs pinned there. Only the listed version
// of each CRD is imported, so imports/ holds what the charts use and nothing else. The real API-server test and
// the CRD-schema validation keep using the full upstream CRDs.
// usage: npm run import            regenerate imports/
//        node scripts/import-crds.mjs --out DIR   write the generated files into DIR instead (the drift test)
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse, stringify } from 'yaml';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const outIndex = process.argv.indexOf('--out');
const out = outIndex > 0 ? process.argv[outIndex + 1] : join(root, 'imports');
const versions = JSON.parse(readFileSync(join(root, 'lib/versions.json'), 'utf8'));

const crdFiles = execFileSync(join(root, 'scripts/upstream-crds.sh'), { encoding: 'utf8' }).trim().split('\n');
const crds = crdFiles.map((file) => ({ file, crd: parse(readFileSync(file, 'utf8')) }));

/**
 * Narrows object schemas to the properties the charts use: `keepOnly` maps a dotted path under the version's
 * schema (for example "spec.provider") to the property names kept there. The SecretStore's provider union has
 * dozens of providers; the fleet renders only `aws`.
 */
function keepOnly(version, paths, want) {
  const copy = structuredClone(version);
  for (const [path, keep] of Object.entries(paths)) {
    let node = copy.schema.openAPIV3Schema;
    for (const key of path.split('.')) node = node?.properties?.[key];
    const missing = keep.filter((k) => !node?.properties?.[k]);
    if (!node?.properties || missing.length) throw new Error(`lib/versions.json imports: ${want.kind} has no ${path}.${missing.join(', ') || '*'}`);
    node.properties = Object.fromEntries(keep.map((k) => [k, node.properties[k]]));
  }
  return copy;
}

// One file per API group (imports/<group>.ts), each with the wanted version of each wanted kind.
const groups = new Map();
for (const want of versions.imports) {
  const found = crds.find(({ crd }) => crd.spec.group === want.group && crd.spec.names.kind === want.kind);
  if (!found) throw new Error(`lib/versions.json imports: no pinned upstream CRD defines ${want.kind} in ${want.group}`);
  const version = found.crd.spec.versions.find((v) => v.name === want.version);
  if (!version) {
    const served = found.crd.spec.versions.map((v) => v.name).join(', ');
    throw new Error(`lib/versions.json imports: ${want.kind}.${want.group} has no version ${want.version} in ${found.file} (it has ${served})`);
  }
  const crd = { ...found.crd, spec: { ...found.crd.spec, versions: [keepOnly(version, want.keepOnly ?? {}, want)] } };
  groups.set(want.group, [...(groups.get(want.group) ?? []), crd]);
}

const tmp = mkdtempSync(join(tmpdir(), 'import-crds-'));
try {
  rmSync(out, { recursive: true, force: true });
  mkdirSync(out, { recursive: true });
  // cdk8s import reads only its first spec: one run per group.
  for (const [group, docs] of [...groups].sort(([a], [b]) => a.localeCompare(b))) {
    const spec = join(tmp, `${group}.yaml`);
    writeFileSync(spec, docs.map((d) => stringify(d)).join('---\n'));
    execFileSync(join(root, 'node_modules/.bin/cdk8s'), ['import', spec, '--language', 'typescript', '--output', out, '--no-save'], {
      cwd: root,
      stdio: 'pipe', // its progress line is noise; a failure throws with its stderr
      env: { ...process.env, CDK8S_CHECK_UPGRADE: 'false' },
    });
  }
} finally {
  rmSync(tmp, { recursive: true, force: true });
}
// The Kubernetes core types come from cdk8s-plus-33's bundled k8s module; nothing else is imported.
console.log(`imported ${versions.imports.length} kinds in ${groups.size} groups into ${out}`);
