import type { Services } from './services.js';

export interface ReadinessCheck {
  name: string;
  ok: boolean;
  error?: string;
}

/** Whether the services a process needs answer: Redis and the Docker engine, each within 2 s. */
export async function readiness(services: Pick<Services, 'redis' | 'docker'>): Promise<ReadinessCheck[]> {
  return Promise.all([
    probe('redis', async () => void (await services.redis.ping())),
    probe('docker', async () => void (await services.docker.ping())),
  ]);
}

async function probe(name: string, check: () => Promise<void>): Promise<ReadinessCheck> {
  const timeout = new Promise<never>((_, reject) => setTimeout(() => reject(new Error('timed out after 2s')), 2000).unref());
  try {
    await Promise.race([check(), timeout]);
    return { name, ok: true };
  } catch (error) {
    return { name, ok: false, error: error instanceof Error ? error.message : String(error) };
  }
}
