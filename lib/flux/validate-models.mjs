// Validates Flux objects (a JSON array on stdin) against @kubernetes-models/flux-cd, an ES module package, so
// CommonJS tests run it as a child process. Prints a JSON array: for each object, its problems ([] when valid).
import { readFileSync } from 'node:fs';

const objects = JSON.parse(readFileSync(0, 'utf8'));
const results = [];
for (const object of objects) {
  const module = await import(`@kubernetes-models/flux-cd/${object.apiVersion}/${object.kind}`).catch(() => undefined);
  const Model = module?.[object.kind];
  if (!Model) {
    results.push([`@kubernetes-models/flux-cd has no model for ${object.apiVersion} ${object.kind}`]);
    continue;
  }
  try {
    new Model(object).validate();
    results.push([]);
  } catch (error) {
    results.push([error.message]);
  }
}
process.stdout.write(JSON.stringify(results));
