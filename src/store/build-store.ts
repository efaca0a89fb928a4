import type { Redis } from 'ioredis';
import { NotFoundError } from '../errors.js';
import type { Keys } from './keys.js';
import { replaceIfUnchanged } from './secret-box.js';
import { FINAL_BUILD_STATES, type App, type Build, type BuildTrigger } from './types.js';

/** The branch a build's ref names (`refs/heads/main` → `main`). */
export const branchOf = (ref: string) => ref.replace(/^refs\/heads\//, '');
const shaField = (branch: string, sha: string) => `${sha}:${branch}`;
// Marks an app's sha index as complete (backfilled from its records, or started empty).
const INDEXED = '_';

// KEYS: delivery ('' for none), build counter, app's builds, unfinished index, sha index, branch's
// queued slot, build key prefix. ARGV: the record without id and number, app, sha field,
// created-at ms, delivery ttl, once. Every write of a queued build, or none of them.
const CREATE_QUEUED = `
if KEYS[1] ~= '' then
  local seen = redis.call('GET', KEYS[1])
  if seen then return {'duplicate', seen} end
end
if ARGV[6] == '1' then
  local earlier = redis.call('HGET', KEYS[5], ARGV[3])
  if earlier then
    if KEYS[1] ~= '' then redis.call('SET', KEYS[1], '', 'EX', ARGV[5]) end
    return {'built', earlier}
  end
end
local number = redis.call('INCR', KEYS[2])
local id = ARGV[2] .. '-' .. number
local build = cjson.decode(ARGV[1])
build['id'] = id
build['number'] = number
redis.call('SET', KEYS[7] .. id, cjson.encode(build))
redis.call('ZADD', KEYS[3], number, id)
redis.call('ZADD', KEYS[4], ARGV[4], id)
redis.call('HSET', KEYS[5], ARGV[3], id)
local previous = redis.call('SET', KEYS[6], id, 'GET')
if KEYS[1] ~= '' then redis.call('SET', KEYS[1], id, 'EX', ARGV[5]) end
return {'created', id, previous}
`;

/**
 * Build records. Numbers are per app and monotonic (INCR), ids read `<app>-<number>` like
 * OpenShift's. The counter outlives the app (apps/delete-app.ts keeps it): an app deleted and
 * created again under the same name goes on counting, so a build id, its BullMQ job id, its log
 * and its `build-<n>` image tag never name two builds.
 */
export class BuildStore {
  constructor(private readonly redis: Redis, private readonly keys: Keys) {}

  /**
   * Records a queued build in one atomic step (a Lua script): its number, its record, its place in
   * the app's history and in the unfinished index (the reconciler's worklist: a build recorded
   * here gets its queue job from the caller, or from the sweeper if the caller dies first), the
   * commit's entry in the sha index, and the branch's queued slot (serial-latest-only: the build
   * it replaces is answered as `previous`). With `delivery`, the webhook delivery is claimed in
   * the same step: a redelivery finds either nothing (and builds) or this build, never a claim
   * without a build. With `once`, a commit of the branch queued before is answered instead
   * (`built`), also atomically, so two API processes given the same push under two delivery ids
   * build it once.
   */
  async createQueued(params: {
    app: App;
    ref: string;
    sha: string;
    trigger: BuildTrigger;
    delivery?: { key: string; ttlSeconds: number };
    once?: boolean;
  }): Promise<{ kind: 'created'; build: Build; previous?: string } | { kind: 'duplicate'; buildId?: string } | { kind: 'built'; buildId: string }> {
    const { app, ref, sha, trigger } = params;
    await this.ensureShaIndex(app.name);
    const draft = { app: app.name, ref, sha, state: 'queued', trigger, createdAt: new Date().toISOString() };
    const [kind, value, previous] = (await this.redis.eval(
      CREATE_QUEUED,
      7,
      params.delivery?.key ?? '',
      this.keys.buildSeq(app.name),
      this.keys.appBuilds(app.name),
      this.keys.unfinishedBuilds,
      this.keys.builtShas(app.name),
      this.keys.queuedBuild(app.name, branchOf(ref)),
      this.keys.build(''),
      JSON.stringify(draft),
      app.name,
      shaField(branchOf(ref), sha),
      String(Date.parse(draft.createdAt)),
      String(params.delivery?.ttlSeconds ?? 0),
      params.once ? '1' : '0',
    )) as [string, string, string | false];
    if (kind === 'duplicate') return { kind, ...(value ? { buildId: value } : {}) };
    if (kind === 'built') return { kind, buildId: value };
    const build = await this.get(value);
    return { kind: 'created', build, ...(previous && previous !== build.id ? { previous } : {}) };
  }

  async find(id: string): Promise<Build | undefined> {
    const raw = await this.redis.get(this.keys.build(id));
    return raw ? (JSON.parse(raw) as Build) : undefined;
  }

  async get(id: string): Promise<Build> {
    const build = await this.find(id);
    if (!build) throw new NotFoundError('BUILD_NOT_FOUND', `build "${id}" does not exist`, { build: id });
    return build;
  }

  /** Merges `patch` into the record; only the build's own worker writes a running build. */
  async update(id: string, patch: Partial<Build>): Promise<Build> {
    const next = { ...(await this.get(id)), ...patch };
    const multi = this.redis.multi().set(this.keys.build(id), JSON.stringify(next));
    if (FINAL_BUILD_STATES.includes(next.state)) multi.zrem(this.keys.unfinishedBuilds, id);
    await multi.exec();
    return next;
  }

  /**
   * Merges `patch` only while `when` holds for the stored record (a compare-and-set on the raw
   * record, retried when another write lands between read and write); undefined when it does
   * not hold. Starting a build (queued → cloning, build-worker.ts) and cancelling a queued one
   * (queue/build-queueing.ts) both go through here, so exactly one of the two wins.
   */
  async updateIf(id: string, patch: Partial<Build>, when: (build: Build) => boolean): Promise<Build | undefined> {
    const key = this.keys.build(id);
    for (;;) {
      const raw = await this.redis.get(key);
      if (!raw) return undefined;
      const current = JSON.parse(raw) as Build;
      if (!when(current)) return undefined;
      const next = { ...current, ...patch };
      if (await replaceIfUnchanged(this.redis, { key, from: raw, to: JSON.stringify(next) })) {
        if (FINAL_BUILD_STATES.includes(next.state)) await this.unindex(id);
        return next;
      }
    }
  }

  /** Ids of builds not yet finished (queued or running), oldest first: the sweeper checks each has a live job. */
  async unfinishedIds(limit = 1000): Promise<string[]> {
    return this.redis.zrange(this.keys.unfinishedBuilds, '0', String(limit - 1));
  }

  /** Takes a build off the unfinished index (its record is gone or finished). */
  async unindex(id: string): Promise<void> {
    await this.redis.zrem(this.keys.unfinishedBuilds, id);
  }

  /** Puts every unfinished build of every app on the index (records from before it existed); returns how many. */
  async indexUnfinished(): Promise<number> {
    let added = 0;
    for (const app of await this.redis.zrange(this.keys.apps, '0', '-1')) {
      for (const build of await this.listForApp(app, 1000)) {
        if (!FINAL_BUILD_STATES.includes(build.state)) added += await this.redis.zadd(this.keys.unfinishedBuilds, 'NX', String(Date.parse(build.createdAt)), build.id);
      }
    }
    return added;
  }

  /** The newest build queued for commit `sha` of `branch`, if there ever was one. */
  async builtSha(params: { app: string; branch: string; sha: string }): Promise<string | undefined> {
    await this.ensureShaIndex(params.app);
    return (await this.redis.hget(this.keys.builtShas(params.app), shaField(params.branch, params.sha))) ?? undefined;
  }

  /** Builds the sha index of an app from its records, once (apps with builds from before the index). */
  private async ensureShaIndex(app: string): Promise<void> {
    const key = this.keys.builtShas(app);
    if (await this.redis.hexists(key, INDEXED)) return;
    const ids = await this.redis.zrange(this.keys.appBuilds(app), '0', '-1');
    const raws = ids.length ? await this.redis.mget(ids.map((id) => this.keys.build(id))) : [];
    const multi = this.redis.multi();
    for (const raw of raws) {
      if (!raw) continue;
      const build = JSON.parse(raw) as Build;
      multi.hset(key, shaField(branchOf(build.ref), build.sha), build.id);
    }
    await multi.hset(key, INDEXED, '1').exec();
  }

  /** Newest first. */
  async listForApp(app: string, limit = 50): Promise<Build[]> {
    const ids = await this.redis.zrevrange(this.keys.appBuilds(app), 0, limit - 1);
    if (ids.length === 0) return [];
    const raws = await this.redis.mget(ids.map((id) => this.keys.build(id)));
    return raws.filter((r): r is string => r !== null).map((r) => JSON.parse(r) as Build);
  }
}
