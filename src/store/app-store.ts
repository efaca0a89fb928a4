import type { Redis } from 'ioredis';
import { NotFoundError, SlipwayError } from '../errors.js';
import type { Keys } from './keys.js';
import { defaultDeployConfig } from './deploy-config.js';
import { readSealed, replaceIfUnchanged, type SecretBox } from './secret-box.js';
import type { App, ScaleEvent } from './types.js';

const webhookContext = (app: string) => `webhook-secret/${app}`;

/**
 * Apps and their webhook secrets. Creating never overwrites: an existing app is an error.
 * Webhook secrets are sealed (secret-box.ts): Redis never holds one in plaintext.
 */
export class AppStore {
  constructor(private readonly redis: Redis, private readonly keys: Keys, private readonly box: SecretBox) {}

  async create(app: App, webhookSecret: string): Promise<void> {
    const created = await this.redis.set(this.keys.app(app.name), JSON.stringify(app), 'NX');
    if (created !== 'OK') throw new SlipwayError('APP_EXISTS', `app "${app.name}" already exists`, { app: app.name });
    await this.redis
      .multi()
      .set(this.keys.webhookSecret(app.name), this.box.seal(webhookSecret, webhookContext(app.name)))
      .zadd(this.keys.apps, String(Date.parse(app.createdAt)), app.name)
      .exec();
  }

  async find(name: string): Promise<App | undefined> {
    const raw = await this.redis.get(this.keys.app(name));
    return raw ? withDefaults(JSON.parse(raw) as App) : undefined;
  }

  async get(name: string): Promise<App> {
    const app = await this.find(name);
    if (!app) throw new NotFoundError('APP_NOT_FOUND', `app "${name}" does not exist`, { app: name });
    return app;
  }

  /** Replaces an existing app's record (its name and secret stay). */
  async replace(app: App): Promise<App> {
    await this.get(app.name);
    await this.redis.set(this.keys.app(app.name), JSON.stringify(app));
    return app;
  }

  /**
   * Changes an app's record in one compare-and-set: `change` is given the stored app and answers
   * its replacement, or undefined to leave it as it is. When anyone else writes the record in
   * between, `change` runs again on what they wrote, so it never overwrites a change it did not
   * see (an automatic rollback must not undo a config change made while it ran). Answers the
   * app as stored afterwards.
   */
  async update(name: string, change: (app: App) => App | undefined): Promise<App> {
    const key = this.keys.app(name);
    for (;;) {
      const raw = await this.redis.get(key);
      if (!raw) throw new NotFoundError('APP_NOT_FOUND', `app "${name}" does not exist`, { app: name });
      const app = withDefaults(JSON.parse(raw) as App);
      const next = change(app);
      if (!next) return app;
      // Each retry means another write landed: someone always makes progress.
      if (await replaceIfUnchanged(this.redis, { key, from: raw, to: JSON.stringify(next) })) return next;
    }
  }

  async list(): Promise<App[]> {
    const names = await this.redis.zrange(this.keys.apps, '0', '-1');
    if (names.length === 0) return [];
    const raws = await this.redis.mget(names.map((n) => this.keys.app(n)));
    return raws.filter((r): r is string => r !== null).map((r) => withDefaults(JSON.parse(r) as App));
  }

  /** Replaces the app's webhook secret (rotation); the old one stops working at once. */
  async setWebhookSecret(name: string, secret: string): Promise<void> {
    await this.get(name);
    await this.redis.set(this.keys.webhookSecret(name), this.box.seal(secret, webhookContext(name)));
  }

  /** The app's webhook secret, opened; one stored in plaintext (before encryption) or under an old key is sealed anew. */
  async webhookSecret(name: string): Promise<string | undefined> {
    return (await this.readWebhookSecret(name)).value;
  }

  /** Reads the webhook secret and says whether its stored form had to be sealed again (key rotation). */
  async readWebhookSecret(name: string): Promise<{ value?: string; resealed: boolean }> {
    return readSealed({ redis: this.redis, box: this.box, key: this.keys.webhookSecret(name), context: webhookContext(name) });
  }

  /** Keeps the newest 100 scale changes of an app. */
  async recordScale(name: string, change: ScaleEvent): Promise<void> {
    const key = this.keys.scaleEvents(name);
    await this.redis.multi().lpush(key, JSON.stringify(change)).ltrim(key, 0, 99).exec();
  }

  /** Newest first. */
  async scaleEvents(name: string): Promise<ScaleEvent[]> {
    return (await this.redis.lrange(this.keys.scaleEvents(name), 0, 99)).map((e) => JSON.parse(e) as ScaleEvent);
  }
}

/** Records written before a field existed read with that field's default: nothing stored is lost. */
function withDefaults(app: App): App {
  return { ...app, deploy: { ...defaultDeployConfig(app.name), ...app.deploy } };
}
