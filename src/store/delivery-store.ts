import type { Redis } from 'ioredis';
import type { Keys } from './keys.js';

const DELIVERY_TTL_SECONDS = 7 * 24 * 3600;

/** Webhook delivery ids seen in the last week, with the build each one queued (claimed with it: BuildStore.createQueued). */
export class DeliveryStore {
  constructor(private readonly redis: Redis, private readonly keys: Keys) {}

  /** Marks a delivery seen; `first: false` for a redelivery, with the build the first one queued. */
  async claim(params: { provider: string; app: string; deliveryId: string }): Promise<{ first: boolean; buildId?: string }> {
    const key = this.key(params);
    if ((await this.redis.set(key, '', 'EX', DELIVERY_TTL_SECONDS, 'NX')) === 'OK') return { first: true };
    const buildId = await this.redis.get(key);
    return { first: false, ...(buildId ? { buildId } : {}) };
  }

  /** Where a delivery is claimed when it queues a build: BuildStore.createQueued claims it in the same atomic step. */
  claimKey(params: { provider: string; app: string; deliveryId: string }): { key: string; ttlSeconds: number } {
    return { key: this.key(params), ttlSeconds: DELIVERY_TTL_SECONDS };
  }

  private key(params: { provider: string; app: string; deliveryId: string }): string {
    return this.keys.delivery(params.provider, `${params.app}:${params.deliveryId}`);
  }
}
