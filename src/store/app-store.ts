import type { Redis } from 'ioredis';
import { NotFoundError, SlipwayError } from '../errors.js';
import type { Keys } from './keys.js';
import { defaultDeployConfig } from './deploy-config.js';
import type { App, ScaleEvent } from './types.js';

/** Apps and their webhook secrets. Creating never overwrites: an existing app is an error. */
export class AppStore {
  constructor(private readonly redis: Redis, private readonly keys: Keys) {}

  async create(app: App, webhookSecret: string): Promise<void> {
    const created = await this.redis.set(this.keys.app(app.name), JSON.stringify(app), 'NX');
    if (created !== 'OK') throw new SlipwayError('APP_EXISTS', `app "${app.name}" already exists`, { app: app.name });
    await this.redis
      .multi()
      .set(this.keys.webhookSecret(app.name), webhookSecret)
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

  async list(): Promise<App[]> {
    const names = await this.redis.zrange(this.keys.apps, '0', '-1');
    if (names.length === 0) return [];
    const raws = await this.redis.mget(names.map((n) => this.keys.app(n)));
    return raws.filter((r): r is string => r !== null).map((r) => withDefaults(JSON.parse(r) as App));
  }

  /** Replaces the app's webhook secret (rotation); the old one stops working at once. */
  async setWebhookSecret(name: string, secret: string): Promise<void> {
    await this.get(name);
    await this.redis.set(this.keys.webhookSecret(name), secret);
  }

  async webhookSecret(name: string): Promise<string | undefined> {
    return (await this.redis.get(this.keys.webhookSecret(name))) ?? undefined;
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
