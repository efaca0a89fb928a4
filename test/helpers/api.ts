import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/api/app.js';
import type { Config } from '../../src/config.js';
import { openServices, type Services } from '../../src/services.js';
import { auth, testConfig } from './config.js';

export interface TestApi {
  config: Config;
  services: Services;
  api: FastifyInstance;
  /** Creates an app through the API and returns its webhook secret. */
  createApp(body: Record<string, unknown>): Promise<{ secret: string; url: string }>;
  close(): Promise<void>;
}

/** A real API instance on real Redis and Docker, with a key prefix of its own. */
export async function startTestApi(overrides: Record<string, string> = {}): Promise<TestApi> {
  const config = testConfig(overrides);
  const services = openServices(config);
  const api = await buildApp(services, { logger: false });
  return {
    config,
    services,
    api,
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
