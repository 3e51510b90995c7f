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

test('an interface only used as Partial<X> lists its fields as not required; a literal type reads as the value to write', () => {
  const source = `
/** Sizes. */
export interface Sizes {
  /** CPU. */
  readonly cpu: string;
}
/** Used bare too. */
export interface Bare {
  readonly x: string;
}
/** A widget. */
export interface Widget {
  /** Its kind. */
  readonly kind: 'round';
  /** Defaults. */
  readonly defaults?: Partial<Sizes>;
  readonly maximum?: Partial<Sizes>;
  readonly bare: Bare;
  readonly partialBare?: Partial<Bare>;
}`;
  const { sections } = readDefinition(source);
  expect(sections.find((s) => s.name === 'Sizes')!.fields.map((f) => f.required)).toEqual([false]);
  expect(sections.find((s) => s.name === 'Bare')!.fields.map((f) => f.required)).toEqual([true]);
  const markdown = renderReference(source);
  expect(markdown).toContain('| `cpu` | string | no |  | CPU. |');
  expect(markdown).toContain('Always written as `Partial<Sizes>`: each field may be left out and then takes the default given where it is used.');
  expect(markdown).not.toContain('Always written as `Partial<Bare>`');
  expect(markdown).toContain('| `kind` | "round" | yes |  | Its kind. |');
});

test('the committed reference documents every field, JobResources as optional fields, and the token source kinds', () => {
  const markdown = readFileSync(join(root, TARGET), 'utf8');
  for (const row of markdown.split('\n').filter((line) => line.startsWith('| `'))) expect(row).not.toMatch(/\| \|$/);
  expect(markdown).toMatch(/\| `cpu` \| string \| no \|/);
  expect(markdown).toMatch(/\| `source` \| "aws-secrets-manager" \| yes \| {2}\| .+ \|/);
  expect(markdown).toMatch(/\| `source` \| "existing-secret" \| yes \| {2}\| .+ \|/);
});
