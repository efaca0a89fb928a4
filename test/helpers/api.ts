import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/api/app.js';
import type { Config } from '../../src/config.js';
import { Metrics } from '../../src/metrics/metrics.js';
import { openServices, type Services } from '../../src/services/services.js';
import { auth, testConfig } from './config.js';

export interface TestApi {
  config: Config;
  services: Services;
  api: FastifyInstance;
  /** The API's metrics (feed them with followQueues to count the workers' builds and rollouts). */
  metrics: Metrics;
  /** Creates an app through the API and returns its webhook secret. */
  createApp(body: Record<string, unknown>): Promise<{ secret: string; url: string }>;
  close(): Promise<void>;
}

/** A real API instance on real Redis and Docker, with a key prefix of its own. */
export async function startTestApi(overrides: Record<string, string> = {}): Promise<TestApi> {
  const config = testConfig(overrides);
  const services = openServices(config);
  const metrics = new Metrics({ builds: services.buildQueue, deploys: services.deployQueue });
  const api = await buildApp({ ...services, metrics }, { logger: false });
  return {
    config,
    services,
    api,
    metrics,
    async createApp(body) {
      const res = await api.inject({ method: 'POST', url: '/apps', headers: auth, payload: body });
      if (res.statusCode !== 201) throw new Error(`creating app failed: ${res.statusCode} ${res.body}`);
      return res.json().webhook as { secret: string; url: string };
    },
    async close() {
      await api.close();
      await services.buildQueue.obliterate({ force: true }).catch(() => undefined);
      const keys = await services.redis.keys(`${config.prefix}:*`);
      if (keys.length) await services.redis.del(...keys);
      await services.close();
    },
  };
}
