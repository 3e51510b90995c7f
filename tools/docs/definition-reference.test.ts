import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readDefinition, renderReference, SOURCE, TARGET } from './definition-reference';

const root = join(__dirname, '..', '..');

test('the committed reference is what the definition module generates (run `npm run docs:reference` if this fails)', () => {
  expect(readFileSync(join(root, TARGET), 'utf8')).toBe(renderReference(readFileSync(join(root, SOURCE), 'utf8')));
});

test('every field of every exported interface is listed with its type, whether it is required and its default', () => {
  const source = `
/** Allowed colours. */
export const COLOURS = ['red', 'blue'] as const;
export type Colour = (typeof COLOURS)[number];
/** A widget. */
export interface Widget {
  /** Its name. */
  readonly name: string;
  /**
   * How many | to make.
   * @default 3
   */
  readonly count?: number;
  /**
   * Its colour.
   * @default - chosen by the factory <always>
   */
  readonly colour?: Colour;
  /** What it holds. */
  readonly parts?: readonly Part[];
}
/** A part. */
export interface Part {
  readonly size: number;
}`;
  const { sections } = readDefinition(source);
  expect(sections.map((s) => [s.name, s.fields.map((f) => [f.name, f.required, f.defaultValue])])).toEqual([
    ['Widget', [['name', true, ''], ['count', false, '3'], ['colour', false, '- chosen by the factory <always>'], ['parts', false, '']]],
    ['Part', [['size', true, '']]],
  ]);
  const markdown = renderReference(source);
  expect(markdown).toContain('| `name` | string | yes |  | Its name. |');
  expect(markdown).toContain('| `count` | number | no | `3` | How many \\| to make. |');
  expect(markdown).toContain('| `colour` | Colour ("red" \\| "blue") | no | chosen by the factory &lt;always&gt; | Its colour. |');
  expect(markdown).toContain('| `parts` | [Part](#part)[] | no |  | What it holds. |');
});

test('a field added to the definition without documentation still appears, so the reference cannot silently lose it', () => {
  const text = readFileSync(join(root, SOURCE), 'utf8').replace(
    'export interface ClusterDefinition {',
    'export interface ClusterDefinition {\n  readonly somethingNew?: boolean;',
  );
  expect(renderReference(text)).toMatch(/\| `somethingNew` \| boolean \| no \|/);
});
