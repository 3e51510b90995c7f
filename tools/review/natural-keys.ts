/**
 * Natural keys of list elements, so that lists are compared element by element the way Kubernetes merges them
 * (containers, env, volumes and ports by name, requirements by key and operator, Role rules by API groups and
 * resources, tolerations and taints by key, subjects by kind and name), not by position: inserting a container
 * must not read as every later container changing.
 */

type Element = Record<string, unknown>;
/** A label for an element, or undefined when the element lacks the fields this key needs. */
type KeyFunction = (element: Element) => string | undefined;

function field(name: string): KeyFunction {
  return (element) => {
    const value = element[name];
    return typeof value === 'string' || typeof value === 'number' ? String(value) : undefined;
  };
}

function fields(...names: string[]): KeyFunction {
  return (element) => {
    const parts = names.map((name) => field(name)(element));
    if (parts[0] === undefined) return undefined;
    return parts.filter((part) => part !== undefined && part !== '').join(' ');
  };
}

function list(value: unknown): string[] | undefined {
  return Array.isArray(value) && value.every((v) => typeof v === 'string') ? (value as string[]) : undefined;
}

/** Role and ClusterRole rules: `pods`, `apps:deployments`, `/healthz`. */
const ruleKey: KeyFunction = (element) => {
  const resources = list(element.resources);
  const urls = list(element.nonResourceURLs);
  if (!resources && !urls) return undefined;
  const groups = (list(element.apiGroups) ?? []).map((group) => group || 'core');
  const scope = groups.length === 0 || (groups.length === 1 && groups[0] === 'core') ? '' : `${groups.join(',')}:`;
  return resources ? `${scope}${resources.join(',')}` : urls!.join(',');
};

/** Key functions to try per list field name, in order; the first that is unique on both sides wins. */
const BY_FIELD: Readonly<Record<string, readonly KeyFunction[]>> = {
  requirements: [field('key'), fields('key', 'operator')],
  matchExpressions: [field('key'), fields('key', 'operator')],
  matchFields: [field('key'), fields('key', 'operator')],
  tolerations: [field('key'), fields('key', 'effect'), fields('key', 'operator', 'effect')],
  taints: [field('key'), fields('key', 'effect')],
  startupTaints: [field('key'), fields('key', 'effect')],
  rules: [ruleKey],
  subjects: [fields('kind', 'name'), fields('kind', 'namespace', 'name')],
  volumeMounts: [field('mountPath')],
  volumeDevices: [field('devicePath')],
  topologySpreadConstraints: [field('topologyKey')],
  items: [field('key'), field('path')],
  ports: [field('name'), field('containerPort'), field('port')],
  accessEntries: [field('principalARN')],
  podIdentityAssociations: [fields('namespace', 'serviceAccountName')],
};

/** Used for any other list of mappings. */
const GENERIC: readonly KeyFunction[] = [field('name'), field('key'), field('ParameterKey'), field('id')];

/**
 * Labels for each element of two versions of the list named `fieldName`, when one natural key identifies every
 * element on both sides uniquely; undefined when the list is compared by position.
 */
export function naturalKeys(
  fieldName: string | undefined,
  base: readonly unknown[],
  head: readonly unknown[],
): { readonly base: string[]; readonly head: string[] } | undefined {
  const all = [...base, ...head];
  if (all.length === 0 || !all.every((e) => typeof e === 'object' && e !== null && !Array.isArray(e))) return undefined;
  const candidates = (fieldName && BY_FIELD[fieldName]) || GENERIC;
  for (const keyOf of candidates) {
    const baseKeys = base.map((e) => keyOf(e as Element));
    const headKeys = head.map((e) => keyOf(e as Element));
    const unique = (keys: Array<string | undefined>) => keys.every((k) => k !== undefined) && new Set(keys).size === keys.length;
    if (unique(baseKeys) && unique(headKeys)) return { base: baseKeys as string[], head: headKeys as string[] };
  }
  return undefined;
}
