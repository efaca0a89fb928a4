import { Redis } from 'ioredis';

/**
 * A Redis connection for Slipway's records and for BullMQ. `maxRetriesPerRequest: null`
 * is what BullMQ workers require: blocking commands must wait through reconnects, not fail.
 */
export function createRedis(url: string): Redis {
  return new Redis(url, { maxRetriesPerRequest: null, enableReadyCheck: true, lazyConnect: false });
}
