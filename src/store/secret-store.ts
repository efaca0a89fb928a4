import { createHmac, randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { Keys } from './keys.js';
import { readSealed, readSealedHash, sealAll, type SecretBox } from './secret-box.js';

const valueContext = (app: string, version: string) => (name: string) => `app-secret/${app}/${version}/${name}`;
const saltContext = (app: string) => `secret-salt/${app}`;

/**
 * The app's secret env values, one immutable version per distinct set of values. Versions are
 * named by an HMAC under a per-app random key: equal values give the same version (no needless
 * rollout), yet the name reveals nothing about the values. Records the API returns only ever
 * hold the version and the key names. Values and the HMAC key are sealed (secret-box.ts): with
 * the HMAC key in plaintext, a reader of Redis could test guesses of the values against a version name.
 */
export class SecretStore {
  constructor(private readonly redis: Redis, private readonly keys: Keys, private readonly box: SecretBox) {}

  /** Stores `values` as a version (if new) and returns its name. */
  async save(app: string, values: Record<string, string>): Promise<string> {
    const version = await this.versionOf(app, values);
    const key = this.keys.secretVersion(app, version);
    const multi = this.redis.multi().del(key);
    if (Object.keys(values).length) multi.hset(key, sealAll(this.box, values, valueContext(app, version)));
    await multi.sadd(this.keys.secretVersions(app), version).exec();
    return version;
  }

  /** A version's values, opened; any stored in plaintext (before encryption) or under an old key are sealed anew. */
  async get(app: string, version: string): Promise<Record<string, string> | undefined> {
    if (!(await this.redis.sismember(this.keys.secretVersions(app), version))) return undefined;
    return (await this.readVersion(app, version)).values;
  }

  /** Reads every version and the HMAC key, sealing stale stored forms again; how many were (key rotation). */
  async reseal(app: string): Promise<number> {
    let resealed = (await this.salt(app)).resealed ? 1 : 0;
    for (const version of await this.redis.smembers(this.keys.secretVersions(app))) resealed += (await this.readVersion(app, version)).resealed;
    return resealed;
  }

  /** Every key the app's secrets use, for deleting the app. */
  async allKeys(app: string): Promise<string[]> {
    const versions = await this.redis.smembers(this.keys.secretVersions(app));
    return [this.keys.secretSalt(app), this.keys.secretVersions(app), ...versions.map((v) => this.keys.secretVersion(app, v))];
  }

  private readVersion(app: string, version: string): Promise<{ values: Record<string, string>; resealed: number }> {
    return readSealedHash({ redis: this.redis, box: this.box, key: this.keys.secretVersion(app, version), context: valueContext(app, version) });
  }

  private async salt(app: string): Promise<{ value?: string; resealed: boolean }> {
    return readSealed({ redis: this.redis, box: this.box, key: this.keys.secretSalt(app), context: saltContext(app) });
  }

  private async versionOf(app: string, values: Record<string, string>): Promise<string> {
    await this.redis.set(this.keys.secretSalt(app), this.box.seal(randomBytes(32).toString('hex'), saltContext(app)), 'NX');
    const salt = (await this.salt(app)).value!;
    const canonical = JSON.stringify(Object.entries(values).sort(([a], [b]) => a.localeCompare(b)));
    return createHmac('sha256', salt).update(canonical).digest('hex').slice(0, 10);
  }
}

/** `pa***` for values long enough that two characters say little; `***` otherwise. */
export function maskSecret(value: string): string {
  return value.length >= 8 ? `${value.slice(0, 2)}***` : '***';
}
