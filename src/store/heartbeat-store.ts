import type { Redis } from 'ioredis';
import type { Keys } from './keys.js';

/** The kinds of worker that say they are alive; the platform is ready with one of each. */
export const WORKER_ROLES = ['build', 'deploy'] as const;
export type WorkerRole = (typeof WORKER_ROLES)[number];

/** What a worker writes each time it beats. */
export interface Heartbeat {
  /** The BullMQ worker's id (one per worker object, new at every start). */
  id: string;
  host: string;
  pid: number;
  startedAt: string;
}

// The ids whose heartbeat key has expired leave the set in the same step, atomically: a
// worker that beats again between a read and a removal must not be dropped.
const ALIVE_SCRIPT = `
local alive = {}
for _, id in ipairs(redis.call('SMEMBERS', KEYS[1])) do
  local beat = redis.call('GET', ARGV[1] .. id)
  if beat then table.insert(alive, beat) else redis.call('SREM', KEYS[1], id) end
end
return alive`;

/**
 * Workers' "still alive" marks, one key per worker with a TTL: a worker that dies without a
 * word (kill -9, a lost node) drops out when its key expires, on Redis' clock, whatever the
 * readers' clocks say. A set per role indexes the ids, so nobody SCANs the keyspace.
 */
export class HeartbeatStore {
  constructor(private readonly redis: Redis, private readonly keys: Keys) {}

  async beat(params: { role: WorkerRole; heartbeat: Heartbeat; ttlMs: number }): Promise<void> {
    const { role, heartbeat, ttlMs } = params;
    await this.redis
      .multi()
      .set(this.keys.worker(role, heartbeat.id), JSON.stringify(heartbeat), 'PX', ttlMs)
      .sadd(this.keys.workers(role), heartbeat.id)
      .exec();
  }

  /** A worker that stops cleanly leaves at once rather than after its TTL. */
  async remove(role: WorkerRole, id: string): Promise<void> {
    await this.redis.multi().del(this.keys.worker(role, id)).srem(this.keys.workers(role), id).exec();
  }

  /** The workers of `role` whose heartbeat has not expired. */
  async alive(role: WorkerRole): Promise<Heartbeat[]> {
    const beats = (await this.redis.eval(ALIVE_SCRIPT, 1, this.keys.workers(role), this.keys.worker(role, ''))) as string[];
    return beats.map((beat) => JSON.parse(beat) as Heartbeat);
  }
}
