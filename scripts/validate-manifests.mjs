#!/usr/bin/env node
// Validates every Kubernetes object in the given files or folders against the maintained schemas of the
// kubernetes-models packages (core Kubernetes, Karpenter, External Secrets, Prometheus Operator, Flux).
// An object of a kind no package models is an error, not a pass. Exit 1 on any problem, naming file, kind and name.
// usage: node scripts/validate-manifests.mjs <file-or-dir> ...
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';

const PACKAGES = [
  [/^(v1|apps\/v1|policy\/v1|rbac\.authorization\.k8s\.io\/v1|networking\.k8s\.io\/v1|batch\/v1)$/, 'kubernetes-models'],
  [/^karpenter\.(sh|k8s\.aws)\//, '@kubernetes-models/karpenter'],
  [/^external-secrets\.io\//, '@kubernetes-models/external-secrets'],
  [/^monitoring\.coreos\.com\//, '@kubernetes-models/prometheus-operator'],
  [/^[a-z]+\.toolkit\.fluxcd\.io\//, '@kubernetes-models/flux-cd'],
];

function yamlFiles(path) {
  if (statSync(path).isDirectory()) return readdirSync(path).sort().flatMap((entry) => yamlFiles(join(path, entry)));
  return /\.ya?ml$/.test(path) && !path.endsWith('kustomization.yaml') ? [path] : [];
}

async function modelFor(apiVersion, kind) {
  const entry = PACKAGES.find(([pattern]) => pattern.test(apiVersion));
  if (!entry) return undefined;
  const module = await import(`${entry[1]}/${apiVersion}/${kind}`).catch(() => undefined);
  return module?.[kind];
}

const problems = [];
let checked = 0;
for (const file of process.argv.slice(2).flatMap(yamlFiles)) {
  for (const document of parseAllDocuments(readFileSync(file, 'utf8'))) {
    const object = document.toJS();
    if (!object) continue;
    const label = `${file}: ${object.kind}/${object.metadata?.name}`;
    const Model = await modelFor(object.apiVersion, object.kind);
    if (!Model) {
      problems.push(`${label}: no maintained schema models ${object.apiVersion} ${object.kind}`);
      continue;
    }
    try {
      new Model(object).validate();
      checked++;
    } catch (error) {
      problems.push(`${label}: ${error.message}`);
    }
  }
}
for (const problem of problems) console.error(problem);
console.log(`validate-manifests: ${checked} passed, ${problems.length} failed`);
process.exit(problems.length ? 1 : 0);
