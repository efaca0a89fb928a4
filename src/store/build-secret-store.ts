import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { Keys } from './keys.js';
import { readSealedHash, sealAll, type SecretBox } from './secret-box.js';
import type { BuildSecretSummary } from './views.js';

const context = (app: string) => (name: string) => `build-secret/${app}/${name}`;

/**
 * Build-time secrets per app (e.g. NPM_TOKEN for a private registry), kept in a hash of
 * their own so that no app record, build record or API response carries a value. Values are
 * sealed (secret-box.ts); names are not secret.
 */
export class BuildSecretStore {
  constructor(private readonly redis: Redis, private readonly keys: Keys, private readonly box: SecretBox) {}

  async set(app: string, secrets: Record<string, string>): Promise<void> {
    if (Object.keys(secrets).length) await this.redis.hset(this.keys.buildSecrets(app), sealAll(this.box, secrets, context(app)));
  }

  /** Returns whether the secret existed. */
  async unset(app: string, name: string): Promise<boolean> {
    return (await this.redis.hdel(this.keys.buildSecrets(app), name)) === 1;
  }

  /** The values, opened; any stored in plaintext (before encryption) or under an old key are sealed anew. */
  async values(app: string): Promise<Record<string, string>> {
    return (await this.read(app)).values;
  }

  /** Reads every value and says how many stored forms had to be sealed again (key rotation). */
  async read(app: string): Promise<{ values: Record<string, string>; resealed: number }> {
    return readSealedHash({ redis: this.redis, box: this.box, key: this.keys.buildSecrets(app), context: context(app) });
  }

  async list(app: string): Promise<BuildSecretSummary[]> {
    const values = await this.values(app);
    return Object.keys(values)
      .sort()
      .map((name) => ({ name, sha256: createHash('sha256').update(values[name]!).digest('hex').slice(0, 12) }));
  }
}
