import type { Redis } from 'ioredis';

/** A lock held while a job runs; `release` gives it back (only if this holder still has it). */
export interface HeldLock {
  release(): Promise<void>;
}

const RENEW = "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) else return 0 end";

/**
 * A per-key Redis lock held by one holder (a build id, a deploy job id) on a lease of `leaseMs`
 * that its process renews every third of it while it runs. A process that dies (SIGKILL, a lost
 * host) stops renewing, so the lock lapses within `leaseMs` and the next job of that app or
 * branch goes on; it never waits for a dead holder's hour. The same holder may take it again: a
 * job retried after its worker died must not wait for its own dead hold. Undefined when another
 * holder has it.
 */
export async function holdLock(redis: Redis, key: string, holder: string, leaseMs: number): Promise<HeldLock | undefined> {
  const taken = (await redis.set(key, holder, 'PX', leaseMs, 'NX')) === 'OK' || (await redis.eval(RENEW, 1, key, holder, String(leaseMs))) === 1;
  if (!taken) return undefined;
  const timer = setInterval(() => void redis.eval(RENEW, 1, key, holder, String(leaseMs)).catch(() => undefined), Math.max(100, Math.floor(leaseMs / 3)));
  timer.unref();
  return {
    async release() {
      clearInterval(timer);
      await deleteIfEquals(redis, key, holder);
    },
  };
}

/** Deletes `key` only while it still holds `value` (compare-and-delete, atomic in Redis). */
export async function deleteIfEquals(redis: Redis, key: string, value: string): Promise<void> {
  await redis.eval("if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) else return 0 end", 1, key, value);
}
