import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { deleteIfEquals } from './job-lock.js';

const LOCK_MS = 60_000;

/** BullMQ job states in which a job will still run: a record with such a job needs nothing. */
export const LIVE_JOB_STATES = new Set(['waiting', 'delayed', 'prioritized', 'waiting-children', 'active']);

/**
 * Runs one sweep of a reconciler while holding `key` (replicas never sweep at once); undefined,
 * without running it, when another process holds it. The lock lapses after a minute if its
 * holder dies mid-sweep.
 */
export async function withSweepLock<T>(redis: Redis, key: string, sweep: () => Promise<T>): Promise<T | undefined> {
  const holder = randomUUID();
  if ((await redis.set(key, holder, 'PX', LOCK_MS, 'NX')) !== 'OK') return undefined;
  try {
    return await sweep();
  } finally {
    await deleteIfEquals(redis, key, holder);
  }
}
