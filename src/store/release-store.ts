import type { Redis } from 'ioredis';
import { NotFoundError } from '../errors.js';
import type { Keys } from './keys.js';
import { SETTLED_RELEASE_STATES, type App, type Release, type ReleaseStatus } from './types.js';

// KEYS: the current-release pointer; ARGV: a release number. Moves the pointer only forward.
const SET_IF_NEWER = "local now = tonumber(redis.call('GET', KEYS[1]) or '0') if tonumber(ARGV[1]) >= now then redis.call('SET', KEYS[1], ARGV[1]) return 1 end return 0";

// KEYS: the current-release pointer; ARGV: from, to. Moves it back only from the release an abort undoes.
const SET_IF_CURRENT = "if redis.call('GET', KEYS[1]) == ARGV[1] then redis.call('SET', KEYS[1], ARGV[2]) return 1 end return 0";

/** What a user can ask of a blue-green or canary rollout in flight. */
export type ReleaseCommand = 'promote' | 'promote-full' | 'abort';
/** A command not taken by then was for a rollout that is gone. */
const COMMAND_TTL_SECONDS = 3600;

// App names are DNS labels (no `#`), so `<app>#<number>` splits back unambiguously.
const unsettledMember = (app: string, number: number) => `${app}#${number}`;
const parseUnsettledMember = (member: string) => {
  const at = member.lastIndexOf('#');
  return { app: member.slice(0, at), number: Number(member.slice(at + 1)) };
};

/**
 * Releases per app: monotonic numbers, full records, and a pointer to the current one. The
 * counter outlives the app (apps/delete-app.ts keeps it): an app created again under a deleted
 * one's name goes on from its last number, so a deploy job id `<app>-r<n>` names one release for good.
 */
export class ReleaseStore {
  constructor(private readonly redis: Redis, private readonly keys: Keys) {}

  async nextNumber(app: string): Promise<number> {
    return this.redis.incr(this.keys.releaseSeq(app));
  }

  /**
   * The release number reserved for a build's release: the same number every time it is asked
   * for that build, so a deploy job retried after its worker died makes no second release.
   */
  async numberForBuild(app: string, buildId: string): Promise<number> {
    const key = this.keys.buildRelease(buildId);
    const reserved = await this.redis.get(key);
    if (reserved) return Number(reserved);
    const number = await this.nextNumber(app);
    if ((await this.redis.set(key, String(number), 'NX')) === 'OK') return number;
    return Number(await this.redis.get(key));
  }

  /**
   * Writes a release record, and keeps the unsettled index (the release reconciler's worklist:
   * every pending or deploying release, which must have a live deploy job). With `app`, the
   * app's record is written in the same transaction: a config change or a rollback saves the
   * app's config and records the release that deploys it together, never one without the other.
   */
  async save(release: Release, with_: { app?: App } = {}): Promise<Release> {
    const member = unsettledMember(release.app, release.number);
    const multi = this.redis
      .multi()
      .set(this.keys.release(release.app, release.number), JSON.stringify(release))
      .zadd(this.keys.appReleases(release.app), String(release.number), String(release.number));
    if (SETTLED_RELEASE_STATES.includes(release.status)) multi.zrem(this.keys.unsettledReleases, member);
    else multi.zadd(this.keys.unsettledReleases, String(Date.parse(release.createdAt)), member);
    if (with_.app) multi.set(this.keys.app(with_.app.name), JSON.stringify(with_.app));
    await multi.exec();
    return release;
  }

  /** Releases pending or deploying, oldest first, as `{ app, number }`. */
  async unsettled(limit = 1000): Promise<Array<{ app: string; number: number }>> {
    const members = await this.redis.zrange(this.keys.unsettledReleases, '0', String(limit - 1));
    return members.map(parseUnsettledMember);
  }

  /** Takes a release off the unsettled index (its record is gone or settled). */
  async unindex(app: string, number: number): Promise<void> {
    await this.redis.zrem(this.keys.unsettledReleases, unsettledMember(app, number));
  }

  /** Puts every unsettled release of every app on the index (records from before it existed); returns how many. */
  async indexUnsettled(): Promise<number> {
    let added = 0;
    for (const app of await this.redis.zrange(this.keys.apps, '0', '-1')) {
      for (const release of await this.list(app, 1000)) {
        if (!SETTLED_RELEASE_STATES.includes(release.status)) {
          added += await this.redis.zadd(this.keys.unsettledReleases, 'NX', String(Date.parse(release.createdAt)), unsettledMember(app, release.number));
        }
      }
    }
    return added;
  }

  async find(app: string, number: number): Promise<Release | undefined> {
    const raw = await this.redis.get(this.keys.release(app, number));
    return raw ? (JSON.parse(raw) as Release) : undefined;
  }

  async get(app: string, number: number): Promise<Release> {
    const release = await this.find(app, number);
    if (!release) throw new NotFoundError('RELEASE_NOT_FOUND', `release ${number} of app "${app}" does not exist`, { app, number });
    return release;
  }

  async update(app: string, number: number, patch: Partial<Release>): Promise<Release> {
    return this.save({ ...(await this.get(app, number)), ...patch });
  }

  async setStatus(app: string, number: number, status: ReleaseStatus): Promise<Release> {
    return this.update(app, number, { status });
  }

  /** Newest first. */
  async list(app: string, limit = 100): Promise<Release[]> {
    const numbers = await this.redis.zrevrange(this.keys.appReleases(app), '0', String(limit - 1));
    if (numbers.length === 0) return [];
    const raws = await this.redis.mget(numbers.map((n) => this.keys.release(app, Number(n))));
    return raws.filter((r): r is string => r !== null).map((r) => JSON.parse(r) as Release);
  }

  async current(app: string): Promise<Release | undefined> {
    const number = await this.redis.get(this.keys.currentRelease(app));
    return number ? this.find(app, Number(number)) : undefined;
  }

  /** Makes release `number` the current one, unless a newer release is current already (false then): the pointer never moves back. */
  async setCurrent(app: string, number: number): Promise<boolean> {
    return (await this.redis.eval(SET_IF_NEWER, 1, this.keys.currentRelease(app), String(number))) === 1;
  }

  /**
   * Makes `to` current again in place of `from`, only while `from` is current (false otherwise):
   * the one way the pointer moves back, for a blue-green abort in the scale-down window, where
   * the previous release never stopped running.
   */
  async restoreCurrent(app: string, from: number, to: number): Promise<boolean> {
    return (await this.redis.eval(SET_IF_CURRENT, 1, this.keys.currentRelease(app), String(from), String(to))) === 1;
  }

  /** Leaves a promote or abort for the deploy job rolling release `number` out; the newest ask wins. */
  async requestCommand(app: string, number: number, command: ReleaseCommand): Promise<void> {
    await this.redis.set(this.keys.releaseCommand(app, number), command, 'EX', COMMAND_TTL_SECONDS);
  }

  /** The command left for release `number`, taken (each is acted on once). */
  async takeCommand(app: string, number: number): Promise<ReleaseCommand | undefined> {
    return ((await this.redis.getdel(this.keys.releaseCommand(app, number))) as ReleaseCommand | null) ?? undefined;
  }
}
