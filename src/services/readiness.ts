import { HEARTBEAT } from '../queue/worker-heartbeat.js';
import { HeartbeatStore, type WorkerRole } from '../store/heartbeat-store.js';
import type { Services } from './services.js';

/** What /readyz checks, by name: Redis answers, and a build worker and a deploy worker are alive. */
export const READINESS_CHECKS = ['redis', 'build-worker', 'deploy-worker'] as const;
export type ReadinessCheckName = (typeof READINESS_CHECKS)[number];

export interface ReadinessCheck {
  name: ReadinessCheckName;
  ok: boolean;
  error?: string;
}

/**
 * Whether the platform can take a push to a release: Redis answers, and at least one build
 * worker and one deploy worker beat recently (their heartbeats in Redis). The API asks nothing
 * else, the Docker engine least of all: only the build worker may reach it. Each check has 2 s.
 * `exclude` leaves checks out (as kube-apiserver's `/readyz?exclude=`).
 */
export async function readiness(services: Pick<Services, 'redis' | 'keys'>, options: { exclude?: readonly ReadinessCheckName[] } = {}): Promise<ReadinessCheck[]> {
  const heartbeats = new HeartbeatStore(services.redis, services.keys);
  const worker = (role: WorkerRole) => async () => {
    if ((await heartbeats.alive(role)).length === 0) throw new Error(`no ${role} worker has reported in the last ${HEARTBEAT.ttlMs / 1000}s`);
  };
  const checks: Record<ReadinessCheckName, () => Promise<void>> = {
    redis: async () => void (await services.redis.ping()),
    'build-worker': worker('build'),
    'deploy-worker': worker('deploy'),
  };
  const wanted = READINESS_CHECKS.filter((name) => !options.exclude?.includes(name));
  return Promise.all(wanted.map((name) => probe(name, checks[name])));
}

async function probe(name: ReadinessCheckName, check: () => Promise<void>): Promise<ReadinessCheck> {
  const timeout = new Promise<never>((_, reject) => setTimeout(() => reject(new Error('timed out after 2s')), 2000).unref());
  try {
    await Promise.race([check(), timeout]);
    return { name, ok: true };
  } catch (error) {
    return { name, ok: false, error: error instanceof Error ? error.message : String(error) };
  }
}
