import { createHmac, randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { Keys } from './keys.js';

/**
 * The app's secret env values, one immutable version per distinct set of values. Versions are
 * named by an HMAC under a per-app random key: equal values give the same version (no needless
 * rollout), yet the name reveals nothing about the values. Records the API returns only ever
 * hold the version and the key names.
 */
export class SecretStore {
  constructor(private readonly redis: Redis, private readonly keys: Keys) {}

  /** Stores `values` as a version (if new) and returns its name. */
  async save(app: string, values: Record<string, string>): Promise<string> {
    const version = await this.versionOf(app, values);
    const key = this.keys.secretVersion(app, version);
    const multi = this.redis.multi().del(key);
    if (Object.keys(values).length) multi.hset(key, values);
    await multi.sadd(this.keys.secretVersions(app), version).exec();
    return version;
  }

  async get(app: string, version: string): Promise<Record<string, string> | undefined> {
    const key = this.keys.secretVersion(app, version);
    if (!(await this.redis.sismember(this.keys.secretVersions(app), version))) return undefined;
    return this.redis.hgetall(key);
  }

  /** Every key the app's secrets use, for deleting the app. */
  async allKeys(app: string): Promise<string[]> {
    const versions = await this.redis.smembers(this.keys.secretVersions(app));
    return [this.keys.secretSalt(app), this.keys.secretVersions(app), ...versions.map((v) => this.keys.secretVersion(app, v))];
  }

  private async versionOf(app: string, values: Record<string, string>): Promise<string> {
    await this.redis.set(this.keys.secretSalt(app), randomBytes(32).toString('hex'), 'NX');
    const salt = (await this.redis.get(this.keys.secretSalt(app)))!;
    const canonical = JSON.stringify(Object.entries(values).sort(([a], [b]) => a.localeCompare(b)));
    return createHmac('sha256', salt).update(canonical).digest('hex').slice(0, 10);
  }
}

/** `pa***` for values long enough that two characters say little; `***` otherwise. */
export function maskSecret(value: string): string {
  return value.length >= 8 ? `${value.slice(0, 2)}***` : '***';
}
