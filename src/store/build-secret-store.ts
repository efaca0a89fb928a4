import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { Keys } from './keys.js';
import type { BuildSecretSummary } from './views.js';

/**
 * Build-time secrets per app (e.g. NPM_TOKEN for a private registry), kept in a hash of
 * their own so that no app record, build record or API response carries a value.
 */
export class BuildSecretStore {
  constructor(private readonly redis: Redis, private readonly keys: Keys) {}

  async set(app: string, secrets: Record<string, string>): Promise<void> {
    if (Object.keys(secrets).length) await this.redis.hset(this.keys.buildSecrets(app), secrets);
  }

  /** Returns whether the secret existed. */
  async unset(app: string, name: string): Promise<boolean> {
    return (await this.redis.hdel(this.keys.buildSecrets(app), name)) === 1;
  }

  async values(app: string): Promise<Record<string, string>> {
    return this.redis.hgetall(this.keys.buildSecrets(app));
  }

  async list(app: string): Promise<BuildSecretSummary[]> {
    const values = await this.values(app);
    return Object.keys(values)
      .sort()
      .map((name) => ({ name, sha256: createHash('sha256').update(values[name]!).digest('hex').slice(0, 12) }));
  }
}
