import type { Redis } from 'ioredis';
import { NotFoundError } from '../errors.js';
import type { Keys } from './keys.js';
import type { App, Build, BuildTrigger } from './types.js';

const branchOf = (ref: string) => ref.replace(/^refs\/heads\//, '');
const shaField = (branch: string, sha: string) => `${sha}:${branch}`;
// Marks an app's sha index as complete (backfilled from its records, or started empty).
const INDEXED = '_';

/**
 * Build records. Numbers are per app and monotonic (INCR), ids read `<app>-<number>` like
 * OpenShift's. The counter outlives the app (apps/delete-app.ts keeps it): an app deleted and
 * created again under the same name goes on counting, so a build id, its BullMQ job id, its log
 * and its `build-<n>` image tag never name two builds.
 */
export class BuildStore {
  constructor(private readonly redis: Redis, private readonly keys: Keys) {}

  async create(params: { app: App; ref: string; sha: string; trigger: BuildTrigger }): Promise<Build> {
    const { app, ref, sha, trigger } = params;
    const number = await this.redis.incr(this.keys.buildSeq(app.name));
    const build: Build = {
      id: `${app.name}-${number}`,
      app: app.name,
      number,
      ref,
      sha,
      state: 'queued',
      trigger,
      createdAt: new Date().toISOString(),
    };
    await this.redis
      .multi()
      .set(this.keys.build(build.id), JSON.stringify(build))
      .zadd(this.keys.appBuilds(app.name), String(number), build.id)
      .zadd(this.keys.queuedBuilds, String(Date.parse(build.createdAt)), build.id)
      .exec();
    return build;
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
    if (next.state !== 'queued') multi.zrem(this.keys.queuedBuilds, id);
    await multi.exec();
    return next;
  }

  /** Ids of builds whose record is `queued`, oldest first (the queue sweeper checks each has a job). */
  async queuedIds(limit = 1000): Promise<string[]> {
    return this.redis.zrange(this.keys.queuedBuilds, '0', String(limit - 1));
  }

  /** Takes a build off the queued index (its record is gone or no longer queued). */
  async unindexQueued(id: string): Promise<void> {
    await this.redis.zrem(this.keys.queuedBuilds, id);
  }

  /** Puts every queued build of every app on the queued index (records from before it existed); returns how many. */
  async indexQueued(): Promise<number> {
    let added = 0;
    for (const app of await this.redis.zrange(this.keys.apps, '0', '-1')) {
      for (const build of await this.listForApp(app, 1000)) {
        if (build.state === 'queued') added += await this.redis.zadd(this.keys.queuedBuilds, 'NX', String(Date.parse(build.createdAt)), build.id);
      }
    }
    return added;
  }

  /** Remembers that `build` was queued for its commit and branch (every build, whatever becomes of it). */
  async recordSha(build: Build): Promise<void> {
    await this.ensureShaIndex(build.app);
    await this.redis.hset(this.keys.builtShas(build.app), shaField(branchOf(build.ref), build.sha), build.id);
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
