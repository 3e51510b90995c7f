/**
 * Rewrites docs/definition-reference.md from lib/model/definition.ts (see tools/docs/definition-reference.ts).
 * usage: npm run docs:reference
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderReference, SOURCE, TARGET } from '../tools/docs/definition-reference';

const root = join(__dirname, '..');
writeFileSync(join(root, TARGET), renderReference(readFileSync(join(root, SOURCE), 'utf8')));
console.log(`wrote ${TARGET}`);
