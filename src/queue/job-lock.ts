import type { Redis } from 'ioredis';

// Longer than any build or rollout; the holder releases it as soon as it is done.
const LOCK_MS = 60 * 60_000;

/**
 * A per-key Redis lock held by one job id. The same job may take it again: a job retried
 * after its worker died (stalled-job recovery) must not wait for its own dead hold.
 */
export async function takeLock(redis: Redis, key: string, holder: string): Promise<boolean> {
  if ((await redis.set(key, holder, 'PX', LOCK_MS, 'NX')) === 'OK') return true;
  return (await redis.get(key)) === holder;
}

/** Deletes `key` only while it still holds `value` (compare-and-delete, atomic in Redis). */
export async function deleteIfEquals(redis: Redis, key: string, value: string): Promise<void> {
  await redis.eval("if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) else return 0 end", 1, key, value);
}

/** Releases the lock only if `holder` still has it. */
export const releaseLock = deleteIfEquals;
