/**
 * Compares the Karpenter prerequisites stack (bootstrap/karpenter-prerequisites.cfn.yaml, written by hand) with
 * upstream's getting-started template for the pinned Karpenter version, on what matters for Karpenter to work:
 * every IAM statement (actions, resources, conditions) of the controller's policies, the node role's managed
 * policies and trust, and the interruption rules' events. A Karpenter bump then shows exactly what upstream added
 * or removed; deliberate differences are listed with their reason, so they are reviewed once, not rediscovered.
 */
import { parse, type CollectionTag, type ScalarTag } from 'yaml';

/** CloudFormation's short-form intrinsic functions, read as their long form ({ "Fn::Sub": … }). */
const INTRINSICS = ['Ref', 'Sub', 'GetAtt', 'If', 'Equals', 'Not', 'Join', 'Select', 'Split', 'FindInMap', 'Base64', 'GetAZs'];
const customTags: Array<ScalarTag | CollectionTag> = INTRINSICS.flatMap((name) => {
  const key = name === 'Ref' ? 'Ref' : `Fn::${name}`;
  const wrap = (value: unknown) => ({ [key]: name === 'GetAtt' && typeof value === 'string' ? value.split('.') : value });
  return [
    { tag: `!${name}`, resolve: (value: string) => wrap(value) } as ScalarTag,
    { tag: `!${name}`, collection: 'seq', resolve: (seq: { toJSON: () => unknown }) => wrap(seq.toJSON()) } as unknown as CollectionTag,
  ];
});

export interface CloudFormationTemplate {
  readonly Parameters?: Record<string, { Default?: string; AllowedPattern?: string }>;
  readonly Resources: Record<string, { Type: string; Properties: Record<string, any> }>;
}

/** Parses a CloudFormation YAML template, short-form intrinsics included. */
export function parseCloudFormation(text: string): CloudFormationTemplate {
  return parse(text, { customTags }) as CloudFormationTemplate;
}

/** A policy document given as a `!Sub` JSON string (variables left as written) or as YAML. */
export function policyDocument(resource: { Properties: Record<string, any> }): { Statement: Array<Record<string, any>> } {
  const doc = resource.Properties.PolicyDocument;
  return JSON.parse(typeof doc === 'object' && 'Fn::Sub' in doc ? doc['Fn::Sub'] : JSON.stringify(doc));
}

const list = (value: unknown): string[] => (value === undefined ? [] : Array.isArray(value) ? value.map(String) : [String(value)]).sort();
/** JSON with sorted keys and sorted lists, so that key or list order never reads as a difference. */
function canonical(value: unknown): string {
  const sort = (v: unknown): unknown =>
    Array.isArray(v)
      ? v.map(sort).sort((a, b) => (JSON.stringify(a) < JSON.stringify(b) ? -1 : 1))
      : v && typeof v === 'object'
        ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : 1)).map(([k, x]) => [k, sort(x)]))
        : v;
  return JSON.stringify(sort(value));
}

/** What Karpenter's permissions and events come down to, keyed so both templates read alike. */
interface Facts {
  /** `Policy/Sid` → the statement's effect, actions, resources and condition. */
  readonly statements: Map<string, { effect: string; actions: string[]; resources: string[]; condition: string }>;
  readonly nodeRolePolicies: string[];
  readonly nodeRoleTrust: string[];
  /** `source: detail-type` of every EventBridge rule. */
  readonly events: string[];
}

function nodeRole(template: CloudFormationTemplate) {
  return template.Resources.KarpenterNodeRole;
}

function factsOf(template: CloudFormationTemplate): Facts {
  const statements: Facts['statements'] = new Map();
  const events: string[] = [];
  for (const [id, resource] of Object.entries(template.Resources)) {
    if (resource.Type === 'AWS::IAM::ManagedPolicy') {
      policyDocument(resource).Statement.forEach((s, i) => {
        statements.set(`${id}/${s.Sid ?? `#${i}`}`, {
          effect: String(s.Effect),
          actions: list(s.Action),
          resources: list(s.Resource),
          condition: canonical(s.Condition ?? {}),
        });
      });
    }
    if (resource.Type === 'AWS::Events::Rule') {
      const pattern = resource.Properties.EventPattern as { source: string[]; 'detail-type': string[] };
      for (const source of pattern.source) for (const type of pattern['detail-type']) events.push(`${source}: ${type}`);
    }
  }
  const role = nodeRole(template)?.Properties ?? {};
  const trust = (role.AssumeRolePolicyDocument?.Statement ?? []) as Array<{ Principal?: { Service?: unknown } }>;
  return {
    statements,
    nodeRolePolicies: list((role.ManagedPolicyArns ?? []).map((arn: unknown) => canonical(arn))),
    nodeRoleTrust: trust.flatMap((s) => list(s.Principal?.Service).map((service) => canonical(service))).sort(),
    events: events.sort(),
  };
}

/** Differences between ours and upstream's, as sentences a reviewer can act on. */
export function compareWithUpstream(ours: CloudFormationTemplate, upstream: CloudFormationTemplate): string[] {
  const a = factsOf(ours);
  const b = factsOf(upstream);
  const out: string[] = [];
  for (const [key, theirs] of b.statements) {
    const mine = a.statements.get(key);
    if (!mine) {
      out.push(`statement ${key} is missing (upstream: ${theirs.effect} ${theirs.actions.join(', ')})`);
      continue;
    }
    if (mine.effect !== theirs.effect) out.push(`statement ${key}: effect ${mine.effect}, upstream ${theirs.effect}`);
    const missing = theirs.actions.filter((x) => !mine.actions.includes(x));
    const extra = mine.actions.filter((x) => !theirs.actions.includes(x));
    if (missing.length) out.push(`statement ${key} lacks actions ${missing.join(', ')}`);
    if (extra.length) out.push(`statement ${key} has actions upstream does not: ${extra.join(', ')}`);
    const lacksResources = theirs.resources.filter((x) => !mine.resources.includes(x));
    const extraResources = mine.resources.filter((x) => !theirs.resources.includes(x));
    if (lacksResources.length) out.push(`statement ${key} lacks resources ${lacksResources.join(', ')}`);
    if (extraResources.length) out.push(`statement ${key} has resources upstream does not: ${extraResources.join(', ')}`);
    if (mine.condition !== theirs.condition) out.push(`statement ${key}: condition ${mine.condition}, upstream ${theirs.condition}`);
  }
  for (const key of a.statements.keys()) if (!b.statements.has(key)) out.push(`statement ${key} is not in upstream's template`);
  const setDiff = (what: string, mine: string[], theirs: string[]) => {
    for (const x of theirs) if (!mine.includes(x)) out.push(`${what} lacks ${x}`);
    for (const x of mine) if (!theirs.includes(x)) out.push(`${what} has ${x}, upstream's does not`);
  };
  setDiff('the node role', a.nodeRolePolicies, b.nodeRolePolicies);
  setDiff("the node role's trust", a.nodeRoleTrust, b.nodeRoleTrust);
  setDiff('the interruption queue', a.events, b.events);
  return out;
}

/** Differences we keep on purpose, each with its reason; anything else fails the check. */
export const DELIBERATE_DIFFERENCES: Readonly<Record<string, string>> = {
  [`the node role's trust lacks "pods.eks.amazonaws.com"`]:
    "the controller has a role of its own (KarpenterControllerRole, trusted by EKS Pod Identity for Karpenter's service " +
    'account only); letting Pod Identity assume the node role would hand its permissions to any association that names it',
};

/** The differences not listed as deliberate. */
export function unexplainedDifferences(differences: readonly string[]): string[] {
  return differences.filter((d) => !(d in DELIBERATE_DIFFERENCES));
}
