/**
 * A runner's token source changed: the Secret (or key) a runner manager reads its token from, or the AWS Secrets
 * Manager secret an ExternalSecret copies it from. The new source must exist and hold the runner's token before
 * the change is applied, or the new managers cannot start (the rollout stalls) or the Secret keeps the old token.
 */
import { isMapping } from '../values';
import { headVersions, highlight, type Highlight, type RiskCheck } from './highlight';

/** Secret volumes of a pod template: volume name → "Secret name (keys)". */
function secretVolumes(body: unknown): Map<string, string> {
  const spec = isMapping(body) && isMapping(body.spec) && isMapping(body.spec.template) && isMapping(body.spec.template.spec) ? body.spec.template.spec : undefined;
  const volumes = Array.isArray(spec?.volumes) ? spec.volumes : [];
  const out = new Map<string, string>();
  for (const volume of volumes) {
    if (!isMapping(volume) || !isMapping(volume.secret) || typeof volume.name !== 'string') continue;
    const keys = (Array.isArray(volume.secret.items) ? volume.secret.items : []).flatMap((item: unknown) => (isMapping(item) && typeof item.key === 'string' ? [item.key] : []));
    out.set(volume.name, `Secret ${String(volume.secret.secretName)}${keys.length ? ` key ${keys.join(', ')}` : ''}`);
  }
  return out;
}

/** Where an ExternalSecret reads from: "Secrets Manager "id" property "p"" per target key. */
function remoteRefs(body: unknown): string[] {
  const spec = isMapping(body) && isMapping(body.spec) ? body.spec : undefined;
  const data = Array.isArray(spec?.data) ? spec.data : [];
  const refs = data.flatMap((entry: unknown) => {
    if (!isMapping(entry) || !isMapping(entry.remoteRef)) return [];
    const { key, property } = entry.remoteRef;
    return [`secret ${JSON.stringify(key)}${property === undefined ? '' : ` property ${JSON.stringify(property)}`} → key ${String(entry.secretKey)}`];
  });
  const store = isMapping(spec?.secretStoreRef) ? ` (store ${String(spec.secretStoreRef.name)})` : '';
  return refs.map((ref: string) => `${ref}${store}`);
}

export const tokenSourceChanged: RiskCheck = (context) => {
  const out: Highlight[] = [];
  for (const { head, base } of headVersions(context, 'Deployment')) {
    if (!base) continue;
    const before = secretVolumes(base.body);
    for (const [volume, after] of secretVolumes(head.body)) {
      const was = before.get(volume);
      if (was === undefined || was === after) continue;
      out.push(
        highlight(
          'token-source',
          head,
          `spec.template.spec.volumes[${volume}].secret`,
          `${was} → ${after}: the new Secret must exist in ${head.namespace} and hold the runner's token before this is applied, or the new managers cannot start and the rollout stalls`,
        ),
      );
    }
  }
  for (const { head, base } of headVersions(context, 'ExternalSecret')) {
    if (!base) continue;
    const before = remoteRefs(base.body).join('; ');
    const after = remoteRefs(head.body).join('; ');
    if (before === after) continue;
    out.push(
      highlight(
        'token-source',
        head,
        'spec.data',
        `${before || '(none)'} → ${after || '(none)'}: the new secret must exist in AWS Secrets Manager and hold the runner's token before this is applied, or the ExternalSecret fails to sync and the managers keep (or lack) the old token`,
      ),
    );
  }
  return out;
};
