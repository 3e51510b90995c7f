/**
 * The cluster definition reference (docs/definition-reference.md), generated from lib/model/definition.ts: every
 * exported interface, its fields with their types, whether they are required, their `@default` and their
 * documentation, read with the TypeScript compiler API, so the reference and the code can never disagree
 * (definition-reference.test.ts checks the committed file). Written by `npm run docs:reference`.
 */
import ts from 'typescript';

export const SOURCE = 'lib/model/definition.ts';
export const TARGET = 'docs/definition-reference.md';

/** Interfaces in the order a reader meets them: the cluster first, then what it contains. */
const ORDER = ['ClusterDefinition', 'RunnerDefinition'];

interface Field {
  readonly name: string;
  readonly type: string;
  readonly required: boolean;
  readonly defaultValue: string;
  readonly doc: string;
}

interface Section {
  readonly name: string;
  readonly doc: string;
  readonly fields: readonly Field[];
  /** Only ever written as Partial<name>: every field may be left out. */
  readonly partial?: boolean;
}

function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, ' ').trim();
}

function docOf(node: ts.Node, source: ts.SourceFile): { doc: string; tags: Map<string, string> } {
  const tags = new Map<string, string>();
  const docs = ts.getJSDocCommentsAndTags(node).filter(ts.isJSDoc);
  const parts: string[] = [];
  for (const jsdoc of docs) {
    if (jsdoc.comment) parts.push(ts.getTextOfJSDocComment(jsdoc.comment) ?? '');
    for (const tag of jsdoc.tags ?? []) {
      const text = tag.comment ? (ts.getTextOfJSDocComment(tag.comment) ?? '') : tag.getText(source).replace(/^@\w+\s*/, '');
      tags.set(tag.tagName.text, oneLine(text));
    }
  }
  return { doc: oneLine(parts.join(' ')), tags };
}

/** Reads the exported interfaces and string-union constants of the definition module. */
export function readDefinition(text: string): { sections: Section[]; unions: Map<string, string> } {
  const source = ts.createSourceFile(SOURCE, text, ts.ScriptTarget.ES2022, true);
  const sections: Section[] = [];
  const unions = new Map<string, string>();
  for (const statement of source.statements) {
    if (ts.isInterfaceDeclaration(statement)) {
      const fields = statement.members.filter(ts.isPropertySignature).map((member): Field => {
        const { doc, tags } = docOf(member, source);
        return {
          name: member.name.getText(source),
          // A string literal type reads as the value to write: "aws-secrets-manager".
          type: oneLine(member.type?.getText(source) ?? 'unknown').replace(/^readonly /, '').replace(/^'([^']*)'$/, '"$1"'),
          required: !member.questionToken,
          defaultValue: tags.get('default') ?? '',
          doc,
        };
      });
      sections.push({ name: statement.name.text, doc: docOf(statement, source).doc, fields });
    }
    // `export const X = ['a', 'b'] as const` + `export type T = (typeof X)[number]`: list the allowed values.
    if (ts.isVariableStatement(statement)) {
      for (const declaration of statement.declarationList.declarations) {
        const init = declaration.initializer;
        if (init && ts.isAsExpression(init) && ts.isArrayLiteralExpression(init.expression)) {
          unions.set(declaration.name.getText(source), init.expression.elements.map((e) => e.getText(source).replace(/'/g, '"')).join(' \\| '));
        }
      }
    }
    if (ts.isTypeAliasDeclaration(statement)) {
      const match = /^\(typeof (\w+)\)\[number\]$/.exec(statement.type.getText(source));
      if (match && unions.has(match[1])) unions.set(statement.name.text, unions.get(match[1])!);
      else if (ts.isUnionTypeNode(statement.type)) unions.set(statement.name.text, statement.type.types.map((t) => t.getText(source)).join(' \\| '));
    }
  }
  const rank = (name: string) => (ORDER.includes(name) ? ORDER.indexOf(name) : ORDER.length);
  sections.sort((a, b) => rank(a.name) - rank(b.name));
  // An interface every field refers to only as Partial<X> is written partially: none of its fields is required there.
  const types = sections.flatMap((s) => s.fields.map((f) => f.type));
  const partial = sections.map((section): Section => {
    const uses = types.filter((type) => new RegExp(`\\b${section.name}\\b`).test(type));
    const onlyPartial = uses.length > 0 && uses.every((type) => !new RegExp(`\\b${section.name}\\b`).test(type.replace(new RegExp(`Partial<${section.name}>`, 'g'), '')));
    return onlyPartial ? { ...section, partial: true, fields: section.fields.map((f) => ({ ...f, required: false })) } : section;
  });
  return { sections: partial, unions };
}

/** A table cell: pipes escaped; outside code spans, angle brackets shown rather than read as HTML. */
const cell = (text: string) =>
  text
    .replace(/\\?\|/g, '\\|')
    .split(/(`[^`]*`)/)
    .map((part) => (part.startsWith('`') ? part : part.replace(/</g, '&lt;').replace(/>/g, '&gt;')))
    .join('');

/** The Markdown reference. */
export function renderReference(text: string): string {
  const { sections, unions } = readDefinition(text);
  const names = new Set(sections.map((s) => s.name));
  const link = (text: string) => text.replace(/\b([A-Z]\w+)\b/g, (name) => (names.has(name) ? `[${name}](#${name.toLowerCase()})` : name));
  const typeCell = (type: string) => link(cell(type.replace(/\b([A-Z]\w+)\b/g, (name) => (unions.has(name) ? `${name} (${unions.get(name)})` : name))));
  const lines = [
    '# Cluster definition reference',
    '',
    `<!-- Generated by \`npm run docs:reference\` from ${SOURCE}; do not edit (a test keeps it in sync). -->`,
    '',
    'A cluster is defined in `definitions/<name>.ts` as a `ClusterDefinition` and listed in `definitions/clusters.ts`.',
    'Every field is validated before anything is written; an error names the cluster, the field, the value and what is allowed.',
    '',
  ];
  for (const section of sections) {
    lines.push(`## ${section.name}`, '', section.doc, '');
    if (section.partial) lines.push(`Always written as \`Partial<${section.name}>\`: each field may be left out and then takes the default given where it is used.`, '');
    lines.push('| Field | Type | Required | Default | Description |', '| --- | --- | --- | --- | --- |');
    for (const f of section.fields) {
      const defaultValue = f.defaultValue.startsWith('- ') ? f.defaultValue.slice(2) : f.defaultValue ? `\`${f.defaultValue}\`` : '';
      lines.push(`| \`${f.name}\` | ${typeCell(f.type)} | ${f.required ? 'yes' : 'no'} | ${cell(defaultValue)} | ${cell(f.doc)} |`);
    }
    lines.push('');
  }
  return lines.join('\n');
}
