import type { Redis } from 'ioredis';
import { NotFoundError } from '../errors.js';
import type { Keys } from './keys.js';
import type { App, Build, BuildTrigger } from './types.js';

/** Build records. Numbers are per app and monotonic (INCR), ids read `<app>-<number>` like OpenShift's. */
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
    await this.redis.set(this.keys.build(id), JSON.stringify(next));
    return next;
  }

  /** Newest first. */
  async listForApp(app: string, limit = 50): Promise<Build[]> {
    const ids = await this.redis.zrevrange(this.keys.appBuilds(app), 0, limit - 1);
    if (ids.length === 0) return [];
    const raws = await this.redis.mget(ids.map((id) => this.keys.build(id)));
    return raws.filter((r): r is string => r !== null).map((r) => JSON.parse(r) as Build);
  }
}
