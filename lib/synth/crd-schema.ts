/**
 * Strict validation of custom resources against the OpenAPI schemas of their CRDs, at the versions pinned in
 * lib/versions.json (fetched once from the Go module proxy by scripts/upstream-crds.sh and cached). Strict like a
 * server-side apply with `fieldValidation=Strict`: a field the schema does not declare is an error, unless the
 * schema preserves unknown fields there (Helm values, for example). CEL rules are the API server's job (issue 5).
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';
import { parseAllDocuments } from 'yaml';

const repoRoot = join(__dirname, '..', '..');

type Schema = Record<string, unknown>;

/** Makes a CRD schema strict: every object that lists its properties rejects any other. */
export function strictSchema(schema: Schema): Schema {
  const out: Schema = {};
  for (const [key, value] of Object.entries(schema)) {
    if (key === 'properties' && value && typeof value === 'object') {
      out[key] = Object.fromEntries(Object.entries(value as Schema).map(([k, v]) => [k, strictSchema(v as Schema)]));
    } else if ((key === 'items' || key === 'additionalProperties') && value && typeof value === 'object') {
      out[key] = strictSchema(value as Schema);
    } else if ((key === 'allOf' || key === 'anyOf' || key === 'oneOf') && Array.isArray(value)) {
      out[key] = value.map((v) => strictSchema(v as Schema));
    } else if (!key.startsWith('x-kubernetes-')) {
      out[key] = value;
    }
  }
  if (out.properties && out.additionalProperties === undefined && schema['x-kubernetes-preserve-unknown-fields'] !== true) {
    out.additionalProperties = false;
  }
  return out;
}

/**
 * CRD patterns are Go (RE2) regular expressions: the inline case-insensitive flag `(?i)` (the Prometheus Operator
 * CRDs use it) has no JavaScript equivalent, so it becomes the `i` flag of the whole pattern.
 */
const goRegExp = Object.assign(
  (pattern: string, flags: string) =>
    pattern.includes('(?i)') ? new RegExp(pattern.split('(?i)').join(''), `${flags}i`) : new RegExp(pattern, flags),
  { code: 'new RegExp' },
);

/**
 * Validators by "apiVersion/kind", for every version each CRD serves. Each schema is compiled the first time an
 * object of its kind is validated: compiling is most of the cost, and the large CRDs (External Secrets' stores with
 * every provider, every served version) are mostly never asked for.
 */
export class CrdValidators {
  private readonly schemas = new Map<string, Schema>();
  private readonly validators = new Map<string, ValidateFunction>();
  private readonly ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false, code: { regExp: goRegExp } });

  constructor(crdFiles: readonly string[]) {
    for (const file of crdFiles) {
      for (const document of parseAllDocuments(readFileSync(file, 'utf8'))) {
        const crd = document.toJS() as {
          kind?: string;
          spec?: { group: string; names: { kind: string }; versions: Array<{ name: string; served: boolean; schema?: { openAPIV3Schema: Schema } }> };
        };
        if (crd?.kind !== 'CustomResourceDefinition' || !crd.spec) continue;
        for (const version of crd.spec.versions) {
          if (!version.served || !version.schema) continue;
          const key = `${crd.spec.group}/${version.name}/${crd.spec.names.kind}`;
          this.schemas.set(key, version.schema.openAPIV3Schema);
        }
      }
    }
  }

  /** Kinds known, as "group/version/Kind". */
  get kinds(): string[] {
    return [...this.schemas.keys()].sort();
  }

  /** Problems of one object ("" path = the object), or a problem saying its kind is unknown. */
  validate(object: { apiVersion?: string; kind?: string }): string[] {
    const key = `${object.apiVersion}/${object.kind}`;
    const schema = this.schemas.get(key);
    if (!schema) return [`no CRD schema for ${key}`];
    let validate = this.validators.get(key);
    if (!validate) {
      validate = this.ajv.compile(strictSchema(schema));
      this.validators.set(key, validate);
    }
    if (validate(object)) return [];
    return (validate.errors ?? []).map(describe);
  }
}

function describe(error: ErrorObject): string {
  const at = error.instancePath || '(object)';
  if (error.keyword === 'additionalProperties') {
    return `${at}: unknown field "${(error.params as { additionalProperty: string }).additionalProperty}"`;
  }
  return `${at}: ${error.message ?? error.keyword}`;
}

/** Paths of the pinned upstream CRD files of the given lib/versions.json `upstreamCrds` names. */
export function upstreamCrdFiles(names: readonly string[]): string[] {
  const out = execFileSync(join(repoRoot, 'scripts', 'upstream-crds.sh'), [...names], { encoding: 'utf8' });
  return out.split('\n').filter(Boolean);
}

/** Validators for the Flux APIs this repository renders, from the pinned Flux controllers' CRDs. */
export function fluxCrdValidators(): CrdValidators {
  return new CrdValidators(upstreamCrdFiles(['flux-source', 'flux-kustomize', 'flux-helm']));
}

/** Validators for every custom resource kind pinned in lib/versions.json. */
export function allCrdValidators(): CrdValidators {
  return new CrdValidators(upstreamCrdFiles([]));
}
