/**
 * Image tag moved or unpinned: a container image (or the runner's default job or helper image in config.toml)
 * moving to another tag or digest, or referenced as `:latest` or without a tag, so what runs changes by itself.
 */
import { keysOf, lastKey } from '../paths';
import { comparableLeaves, headVersions, highlight, type Highlight, type RiskCheck } from './highlight';

export interface ImageReference {
  readonly repository: string;
  readonly tag?: string;
  readonly digest?: string;
}

/** Splits `registry/path:tag@sha256:…` into repository, tag and digest. */
export function parseImage(reference: string): ImageReference {
  const at = reference.indexOf('@');
  const digest = at >= 0 ? reference.slice(at + 1) : undefined;
  const name = at >= 0 ? reference.slice(0, at) : reference;
  const colon = name.lastIndexOf(':');
  const hasTag = colon > name.lastIndexOf('/');
  return { repository: hasTag ? name.slice(0, colon) : name, ...(hasTag ? { tag: name.slice(colon + 1) } : {}), ...(digest ? { digest } : {}) };
}

/** Why a reference is not pinned, or undefined when it is (a tag other than latest, or a digest). */
export function unpinned(reference: string): string | undefined {
  const image = parseImage(reference);
  if (image.digest) return undefined;
  if (!image.tag) return 'no tag (means :latest)';
  if (image.tag === 'latest') return ':latest';
  return undefined;
}

const IMAGE_FIELDS = new Set(['image', 'helper_image']);

export const imagesMoved: RiskCheck = (context) => {
  const out: Highlight[] = [];
  for (const version of headVersions(context)) {
    const { head } = version;
    const leaves = comparableLeaves(version);
    for (const [key, leaf] of leaves.head) {
      const name = lastKey(leaf.path);
      const keys = keysOf(leaf.path);
      const was = leaves.base.get(key)?.value;
      if (name === 'tag' && keys[keys.length - 2] === 'image' && was !== undefined && was !== leaf.value) {
        out.push(highlight('image', head, leaf.path, `tag ${String(was)} → ${String(leaf.value)}`));
        continue;
      }
      if (!name || !IMAGE_FIELDS.has(name) || typeof leaf.value !== 'string') continue;
      const why = unpinned(leaf.value);
      if (why && was !== leaf.value) {
        out.push(highlight('image', head, leaf.path, `${leaf.value} is unpinned: ${why}`));
        continue;
      }
      if (typeof was !== 'string' || was === leaf.value) continue;
      const before = parseImage(was);
      const after = parseImage(leaf.value);
      const what = before.repository !== after.repository ? 'image replaced' : before.tag !== after.tag ? 'tag moves' : 'digest moves';
      out.push(highlight('image', head, leaf.path, `${what}: ${was} → ${leaf.value}`));
    }
  }
  return out;
};
