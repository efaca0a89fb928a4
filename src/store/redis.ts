import { Redis, type RedisOptions } from 'ioredis';
import type { Config } from '../config.js';

/** What a connection is made from: the URL and, with Sentinel, where to ask for the primary. */
export type RedisSettings = Pick<Config, 'redisUrl' | 'redisSentinel'>;

/**
 * A Redis connection for Slipway's records and for BullMQ. `maxRetriesPerRequest: null`
 * is what BullMQ workers require: blocking commands must wait through reconnects, not fail.
 * With Sentinel, every connect (and reconnect) first asks the sentinels for the current
 * primary, so a failover is a reconnect; the URL then gives only the password, user and db.
 */
export function createRedis(settings: RedisSettings): Redis {
  const options: RedisOptions = { maxRetriesPerRequest: null, enableReadyCheck: true, lazyConnect: false };
  const sentinel = settings.redisSentinel;
  if (!sentinel) return new Redis(settings.redisUrl, options);
  return new Redis(settings.redisUrl, {
    ...options,
    sentinels: sentinel.sentinels,
    name: sentinel.name,
    ...(sentinel.password ? { sentinelPassword: sentinel.password } : {}),
    // A connection left open to a primary that was demoted (it came back after a failover)
    // answers writes with READONLY: reconnect, which asks the sentinels again, and resend.
    reconnectOnError: (error) => (error.message.startsWith('READONLY') ? 2 : false),
    // A failover with the old primary still up (forced, or the sentinels lost sight of it for
    // down-after-milliseconds) leaves it a primary for seconds more, until the sentinels convert
    // it, and what it takes meanwhile is thrown away then. Each connection subscribes to the
    // sentinels' +switch-master and moves to the new primary as soon as one is named.
    failoverDetector: true,
  });
}
