/**
 * The little of a Kubernetes client test:e2e needs, on node's https: discovery (kind → resource), server-side
 * apply as Flux does it, get/list/delete, pod logs, and polling. Talks only to the run's own API server.
 */
import { readFileSync } from 'node:fs';
import { request } from 'node:https';
import type { ManifestObject } from '../../lib/synth/render';

export interface KubeConnection {
  readonly server: string;
  readonly ca: string;
  readonly token: string;
}

/** Any object as the API returns it. */
export interface KubeObject {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: {
    readonly name: string;
    readonly namespace?: string;
    readonly labels?: Record<string, string>;
    readonly annotations?: Record<string, string>;
    readonly uid?: string;
    readonly creationTimestamp?: string;
    readonly deletionTimestamp?: string;
    readonly ownerReferences?: readonly { kind: string; name: string }[];
  };
  readonly spec?: any;  
  readonly status?: any;  
  readonly [key: string]: unknown;
}

export class KubeError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

interface ResourceInfo {
  readonly plural: string;
  readonly namespaced: boolean;
}

/** The field manager Flux's kustomize-controller applies with. */
export const FLUX_FIELD_MANAGER = 'kustomize-controller';

export class Kube {
  private readonly resources = new Map<string, ResourceInfo>();

  constructor(private readonly connection: KubeConnection) {}

  /** Reads a connection from the state dir cluster.sh wrote. */
  static fromState(state: string, host: string): Kube {
    const port = readFileSync(`${state}/apiserver-port`, 'utf8').trim();
    return new Kube({
      server: `https://${host}:${port}`,
      ca: readFileSync(`${state}/pki/ca.crt`, 'utf8'),
      token: readFileSync(`${state}/pki/admin.token`, 'utf8').trim(),
    });
  }

  /** One HTTP request; returns the body as text, throws KubeError on a non-2xx status. */
  raw(method: string, path: string, body?: string, contentType = 'application/json'): Promise<string> {
    const url = new URL(path, this.connection.server);
    return new Promise((resolve, reject) => {
      const req = request(
        url,
        {
          method,
          ca: this.connection.ca,
          headers: {
            authorization: `Bearer ${this.connection.token}`,
            accept: 'application/json',
            ...(body !== undefined ? { 'content-type': contentType } : {}),
          },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            const status = res.statusCode ?? 0;
            if (status >= 200 && status < 300) resolve(text);
            else reject(new KubeError(status, `${method} ${url.pathname}${url.search}: ${status} ${text.slice(0, 500)}`));
          });
        },
      );
      req.on('error', reject);
      req.setTimeout(60_000, () => req.destroy(new Error(`${method} ${path}: timed out`)));
      if (body !== undefined) req.write(body);
      req.end();
    });
  }

  async json<T = KubeObject>(method: string, path: string, body?: unknown, contentType?: string): Promise<T> {
    const text = await this.raw(method, path, body === undefined ? undefined : JSON.stringify(body), contentType);
    return JSON.parse(text) as T;
  }

  private async resource(apiVersion: string, kind: string): Promise<ResourceInfo> {
    const key = `${apiVersion}/${kind}`;
    if (!this.resources.has(key)) {
      const base = apiVersion.includes('/') ? `/apis/${apiVersion}` : `/api/${apiVersion}`;
      const list = await this.json<{ resources: { name: string; kind: string; namespaced: boolean }[] }>('GET', base);
      for (const r of list.resources) {
        if (!r.name.includes('/')) this.resources.set(`${apiVersion}/${r.kind}`, { plural: r.name, namespaced: r.namespaced });
      }
    }
    const info = this.resources.get(key);
    if (!info) throw new Error(`the API server does not serve ${kind} in ${apiVersion}`);
    return info;
  }

  /** The URL path of an object (or of its collection when `name` is omitted). */
  async path(apiVersion: string, kind: string, namespace: string | undefined, name?: string): Promise<string> {
    const info = await this.resource(apiVersion, kind);
    const base = apiVersion.includes('/') ? `/apis/${apiVersion}` : `/api/${apiVersion}`;
    const ns = info.namespaced ? `/namespaces/${namespace ?? 'default'}` : '';
    return `${base}${ns}/${info.plural}${name ? `/${name}` : ''}`;
  }

  /** Server-side apply, forcing ownership, as Flux's kustomize-controller does. */
  async apply(object: ManifestObject | KubeObject, fieldManager = FLUX_FIELD_MANAGER): Promise<KubeObject> {
    const path = await this.path(object.apiVersion, object.kind, object.metadata.namespace, object.metadata.name);
    return this.json('PATCH', `${path}?fieldManager=${fieldManager}&force=true`, object, 'application/apply-patch+yaml');
  }

  async get(apiVersion: string, kind: string, namespace: string | undefined, name: string): Promise<KubeObject | undefined> {
    try {
      return await this.json('GET', await this.path(apiVersion, kind, namespace, name));
    } catch (error) {
      if (error instanceof KubeError && error.status === 404) return undefined;
      throw error;
    }
  }

  async list(apiVersion: string, kind: string, namespace?: string, labelSelector?: string): Promise<KubeObject[]> {
    const path = await this.path(apiVersion, kind, namespace);
    const query = labelSelector ? `?labelSelector=${encodeURIComponent(labelSelector)}` : '';
    return (await this.json<{ items: KubeObject[] }>('GET', `${path}${query}`)).items.map((item) => ({ ...item, apiVersion, kind }));
  }

  async create(object: KubeObject | ManifestObject): Promise<KubeObject> {
    return this.json('POST', await this.path(object.apiVersion, object.kind, object.metadata.namespace), object);
  }

  async delete(apiVersion: string, kind: string, namespace: string | undefined, name: string): Promise<void> {
    try {
      await this.raw('DELETE', await this.path(apiVersion, kind, namespace, name));
    } catch (error) {
      if (!(error instanceof KubeError && error.status === 404)) throw error;
    }
  }

  async podLogs(namespace: string, pod: string, container?: string): Promise<string> {
    const query = container ? `?container=${encodeURIComponent(container)}` : '';
    return this.raw('GET', `/api/v1/namespaces/${namespace}/pods/${pod}/log${query}`);
  }
}

/** What waitFor throws when the awaited state never came: in a scenario, a failure of the fleet, not of the test. */
export class WaitTimeout extends Error {}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * Polls `probe` until it returns a value other than undefined; throws after `seconds` with `what` and the last
 * thing `probe` reported through `note`.
 */
export async function waitFor<T>(what: string, seconds: number, probe: (note: (s: string) => void) => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + seconds * 1000;
  let last = '';
  for (;;) {
    const value = await probe((s) => (last = s));
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new WaitTimeout(`${what}: not within ${seconds}s${last ? ` (last seen: ${last})` : ''}`);
    await sleep(500);
  }
}
