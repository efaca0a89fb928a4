import { createHash } from 'node:crypto';
import {
  AppsV1Api,
  BatchV1Api,
  CoreV1Api,
  NetworkingV1Api,
  RbacAuthorizationV1Api,
  type KubeConfig,
  type V1ObjectMeta,
} from '@kubernetes/client-node';
import type { Redis } from 'ioredis';

// "Nothing stored changed", made checkable: everything a bad request could damage, read whole
// before and after it, and compared. Redis: every key under the test's prefix with its type and
// full value. The cluster: the namespaces a case names, and every object of the kinds Slipway
// (or a template) creates in the namespaces the test seeded. The registry: an image repository's tags.

/** One Redis key: its type, its whole value, and whether it has an expiry (a TTL itself ticks, so only its presence counts). */
export interface StoredKey {
  type: string;
  value: unknown;
  expires: boolean;
}

export type RedisSnapshot = Record<string, StoredKey>;

/**
 * Keys that change on every request, bad or not, under any prefix:
 * - `<prefix>:ratelimit:*` are @fastify/rate-limit's counters (src/api/rate-limits.ts). Counting
 *   a refused request is their whole point (a flood of bad requests is what they limit), so a bad
 *   request does change them, by design; nothing else ever reads them.
 */
export const REQUEST_COUNTERS = (prefix: string): RegExp => new RegExp(`^${escape(prefix)}:ratelimit:`);

/**
 * Keys a running build worker rewrites on its own clock, whatever the requests (only the suites
 * that run a worker skip these):
 * - `<prefix>:worker:*` / `<prefix>:workers:*`: its heartbeat, renewed every few seconds (store/heartbeat-store.ts);
 * - `<prefix>:bull:*`: BullMQ's own bookkeeping (job hashes, locks, stalled checks, the events stream);
 *   jobs come and go as builds run, and a build's outcome is read from Slipway's records instead;
 * - `<prefix>:sweep-lock`: held for a moment by the queue sweeper.
 */
export const WORKER_CLOCK = (prefix: string): RegExp[] => [
  new RegExp(`^${escape(prefix)}:workers?:`),
  new RegExp(`^${escape(prefix)}:bull:`),
  new RegExp(`^${escape(prefix)}:sweep-lock$`),
];

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** A value as text when it is UTF-8 (records, sealed secrets), else base64: never decoded lossily. */
function bytes(value: Buffer): string {
  const text = value.toString('utf8');
  return Buffer.from(text, 'utf8').equals(value) ? text : `base64:${value.toString('base64')}`;
}

async function readKey(redis: Redis, key: string, type: string): Promise<unknown> {
  switch (type) {
    case 'string':
      return bytes((await redis.getBuffer(key)) ?? Buffer.alloc(0));
    case 'hash':
      return Object.fromEntries(Object.entries(await redis.hgetall(key)).sort(([a], [b]) => a.localeCompare(b)));
    case 'list':
      return redis.lrange(key, 0, -1);
    case 'set':
      return (await redis.smembers(key)).sort();
    case 'zset':
      return redis.zrange(key, '0', '-1', 'WITHSCORES');
    case 'stream':
      return redis.xrange(key, '-', '+');
    case 'none':
      return null;
    default:
      throw new Error(`snapshot: key ${key} has type ${type}, which this snapshot cannot read`);
  }
}

/** Every key under `prefix` (except those `skip` matches), each with its type and whole value. */
export async function redisSnapshot(params: { redis: Redis; prefix: string; skip?: RegExp[] }): Promise<RedisSnapshot> {
  const { redis, prefix } = params;
  const skip = [REQUEST_COUNTERS(prefix), ...(params.skip ?? [])];
  const keys: string[] = [];
  let cursor = '0';
  do {
    const [next, batch] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
    cursor = next;
    keys.push(...batch);
  } while (cursor !== '0');
  const snapshot: RedisSnapshot = {};
  for (const key of [...new Set(keys)].filter((k) => !skip.some((s) => s.test(k))).sort()) {
    const type = await redis.type(key);
    const value = await readKey(redis, key, type);
    const ttl = await redis.pttl(key);
    // A key that vanished between SCAN and read (an expiry) is simply not there.
    if (type !== 'none' && ttl !== -2) snapshot[key] = { type, value, expires: ttl >= 0 };
  }
  return snapshot;
}

export interface Change {
  key: string;
  change: 'added' | 'removed' | 'changed';
}

/** What differs between two snapshots, key by key (of Redis keys or cluster objects alike). */
export function changes(before: Record<string, unknown>, after: Record<string, unknown>): Change[] {
  const out: Change[] = [];
  for (const key of new Set([...Object.keys(before), ...Object.keys(after)])) {
    if (!(key in after)) out.push({ key, change: 'removed' });
    else if (!(key in before)) out.push({ key, change: 'added' });
    else if (JSON.stringify(before[key]) !== JSON.stringify(after[key])) out.push({ key, change: 'changed' });
  }
  return out.sort((a, b) => a.key.localeCompare(b.key));
}

// ---- the cluster

export type ClusterSnapshot = Record<string, unknown>;

const digest = (value: unknown) => createHash('sha256').update(JSON.stringify(value ?? null)).digest('hex').slice(0, 16);

/** What of an object's metadata a change would show: identity (a delete and re-create changes the uid), labels, a deletion under way. */
function meta(m: V1ObjectMeta | undefined) {
  return { uid: m?.uid, labels: m?.labels ?? {}, deleting: Boolean(m?.deletionTimestamp) };
}

const notFound = (error: unknown) => (error as { code?: number }).code === 404;

/**
 * The cluster as far as a case could change it: each of `namespaces` (whether it exists, its
 * uid and labels: Pod Security labels are labels), every object of the kinds Slipway or a
 * template makes in each of `objectsIn`, and whether each of `clusterRoles` and
 * `clusterRoleBindings` exists. Projections leave out what controllers rewrite on their own
 * (status, resourceVersion, a claim's binding), so only a change someone asked for shows; a
 * Secret is kept as a digest of its data, never its values.
 */
export async function clusterSnapshot(
  kc: KubeConfig,
  params: { namespaces?: string[]; objectsIn?: string[]; clusterRoles?: string[]; clusterRoleBindings?: string[] },
): Promise<ClusterSnapshot> {
  const core = kc.makeApiClient(CoreV1Api);
  const apps = kc.makeApiClient(AppsV1Api);
  const batch = kc.makeApiClient(BatchV1Api);
  const networking = kc.makeApiClient(NetworkingV1Api);
  const rbac = kc.makeApiClient(RbacAuthorizationV1Api);
  const out: ClusterSnapshot = {};
  const exists = async <T>(read: () => Promise<T>): Promise<T | undefined> =>
    read().catch((error: unknown) => {
      if (notFound(error)) return undefined;
      throw error;
    });

  for (const name of [...new Set([...(params.namespaces ?? []), ...(params.objectsIn ?? [])])].sort()) {
    const ns = await exists(() => core.readNamespace({ name }));
    out[`Namespace/${name}`] = ns ? meta(ns.metadata) : 'absent';
  }
  for (const name of params.clusterRoles ?? []) {
    const role = await exists(() => rbac.readClusterRole({ name }));
    out[`ClusterRole/${name}`] = role ? { ...meta(role.metadata), rules: digest(role.rules) } : 'absent';
  }
  for (const name of params.clusterRoleBindings ?? []) {
    const binding = await exists(() => rbac.readClusterRoleBinding({ name }));
    out[`ClusterRoleBinding/${name}`] = binding ? { ...meta(binding.metadata), roleRef: binding.roleRef, subjects: binding.subjects } : 'absent';
  }

  for (const namespace of params.objectsIn ?? []) {
    const put = (kind: string, m: V1ObjectMeta | undefined, extra: Record<string, unknown>) => {
      out[`${namespace}/${kind}/${m?.name}`] = { ...meta(m), ...extra };
    };
    const q = { namespace };
    for (const s of (await core.listNamespacedSecret(q)).items) put('Secret', s.metadata, { type: s.type, data: digest(s.data) });
    // kube-root-ca.crt is published into every namespace by the root-CA controller, on its own time.
    for (const c of (await core.listNamespacedConfigMap(q)).items.filter((c) => c.metadata?.name !== 'kube-root-ca.crt')) put('ConfigMap', c.metadata, { data: c.data ?? {} });
    // A claim's binding (spec.volumeName, annotations) is the PV controller's, not a request's.
    for (const c of (await core.listNamespacedPersistentVolumeClaim(q)).items) put('PersistentVolumeClaim', c.metadata, { accessModes: c.spec?.accessModes, requests: c.spec?.resources?.requests });
    for (const s of (await core.listNamespacedService(q)).items) put('Service', s.metadata, { type: s.spec?.type, ports: s.spec?.ports, externalIPs: s.spec?.externalIPs ?? [] });
    // The `default` ServiceAccount is made by a controller when the namespace appears.
    for (const a of (await core.listNamespacedServiceAccount(q)).items.filter((a) => a.metadata?.name !== 'default')) put('ServiceAccount', a.metadata, {});
    for (const d of (await apps.listNamespacedDeployment(q)).items) put('Deployment', d.metadata, { generation: d.metadata?.generation, replicas: d.spec?.replicas });
    for (const s of (await apps.listNamespacedStatefulSet(q)).items) put('StatefulSet', s.metadata, { generation: s.metadata?.generation, replicas: s.spec?.replicas });
    for (const j of (await batch.listNamespacedJob(q)).items) put('Job', j.metadata, { generation: j.metadata?.generation });
    for (const j of (await batch.listNamespacedCronJob(q)).items) put('CronJob', j.metadata, { generation: j.metadata?.generation });
    for (const i of (await networking.listNamespacedIngress(q)).items) put('Ingress', i.metadata, { generation: i.metadata?.generation });
    for (const r of (await rbac.listNamespacedRole(q)).items) put('Role', r.metadata, { rules: digest(r.rules) });
    for (const b of (await rbac.listNamespacedRoleBinding(q)).items) put('RoleBinding', b.metadata, { roleRef: b.roleRef, subjects: b.subjects });
  }
  return out;
}

// ---- the registry

/** The tags the test registry holds for `repository` (none when it has never been pushed). */
export async function registryTags(repository: string): Promise<string[]> {
  const host = process.env.SLIPWAY_REGISTRY!;
  const auth = Buffer.from(`${process.env.SLIPWAY_REGISTRY_USER}:${process.env.SLIPWAY_REGISTRY_PASSWORD}`).toString('base64');
  const res = await fetch(`http://${host}/v2/${repository}/tags/list`, { headers: { authorization: `Basic ${auth}` } });
  if (res.status === 404) return [];
  if (!res.ok) throw new Error(`registry answered ${res.status} for the tags of ${repository}`);
  return (((await res.json()) as { tags?: string[] | null }).tags ?? []).sort();
}

// ---- the answer

/** The `{error: {code, message, details?}}` shape every refusal has; `details` only when the error carries some. */
export function errorBody(code: string, body: { error?: object }): unknown {
  return { error: { code, message: expect.any(String), ...(body.error && 'details' in body.error ? { details: expect.any(Object) } : {}) } };
}
