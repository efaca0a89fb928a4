import { randomUUID } from 'node:crypto';
import type { Build } from '../../src/store/types.js';
import type { TestApi } from './api.js';
import { publishFixture, type PublishedRepo } from './git-fixture.js';
import { pushPayload, signedDelivery } from './github.js';
import { waitFor } from './wait.js';

/** Fixture apps, signed pushes and build waits on one test API; cleans up its repos. */
export function pipeline(t: () => TestApi) {
  const repos: PublishedRepo[] = [];
  return {
    async newApp(fixture: string, extra: Record<string, unknown> = {}) {
      const repo = await publishFixture(fixture);
      repos.push(repo);
      const name = `${fixture}-${randomUUID().slice(0, 6)}`;
      const { secret } = await t().createApp({ name, repo: repo.url, branch: repo.branch, deploy: { autoDeploy: false }, ...extra });
      return { repo, name, secret };
    },
    /** A signed GitHub push of `sha` (default: the repo's head); returns the reply. */
    async push(params: { name: string; secret: string; repo: PublishedRepo; sha?: string; deliveryId?: string }) {
      const d = signedDelivery({
        secret: params.secret,
        event: 'push',
        deliveryId: params.deliveryId,
        payload: pushPayload({ ref: `refs/heads/${params.repo.branch}`, sha: params.sha ?? params.repo.sha, cloneUrl: params.repo.url }),
      });
      const res = await t().api.inject({ method: 'POST', url: `/hooks/github/${params.name}`, headers: d.headers, payload: d.body });
      return { status: res.statusCode, body: res.json() as { buildId?: string; ignored?: boolean; reason?: string } };
    },
    async until(buildId: string, states: Build['state'][], timeoutMs = 300_000): Promise<Build> {
      let last: Build | undefined;
      return waitFor({
        timeoutMs,
        intervalMs: 200,
        check: async () => {
          last = await t().services.builds.get(buildId);
          return states.includes(last.state) ? last : undefined;
        },
        message: () => `build ${buildId} is ${last?.state}, waiting for ${states.join('|')}`,
      });
    },
    async cleanup() {
      for (const repo of repos) await repo.cleanup();
    },
  };
}
