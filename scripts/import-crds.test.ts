import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';

test('cdk8s.yaml runs the fast app and names no import spec outside the repository (npm run import does not save any)', () => {
  const config = parse(readFileSync(join(__dirname, '..', 'cdk8s.yaml'), 'utf8'));
  expect(config.app).toBe('node scripts/run-ts.mjs main.ts');
  expect(config.output).not.toBe('dist');
  for (const spec of config.imports ?? []) expect(spec).not.toMatch(/^\/|^\.\./);
  expect(readFileSync(join(__dirname, 'import-crds.mjs'), 'utf8')).toContain('--no-save');
});
