import { randomUUID } from 'node:crypto';
import { FINAL_BUILD_STATES, type Build } from '../../src/store/types.js';
import type { TestApi } from './api.js';
import { publishFixture, type PublishedRepo } from './git-fixture.js';
import { pushPayload, signedDelivery } from './github.js';
import { registryDigest } from './registry.js';
import { waitFor } from './wait.js';

/** Fixture apps, signed pushes and build waits on one test API; cleans up its repos and images. */
export function pipeline(t: () => TestApi) {
  const repos: PublishedRepo[] = [];
  const images: string[] = [];
  const self = {
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
    /** Pushes and waits until the build it queued has ended. */
    async build(params: { name: string; secret: string; repo: PublishedRepo; sha?: string }): Promise<Build> {
      const { status, body } = await self.push(params);
      if (status !== 202 || !body.buildId) throw new Error(`push was not accepted: ${status} ${JSON.stringify(body)}`);
      return self.until(body.buildId, [...FINAL_BUILD_STATES]);
    },
    async until(buildId: string, states: Build['state'][], timeoutMs = 600_000): Promise<Build> {
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
    /** Asserts a build succeeded and the registry serves both tags at its digest; returns `repo@digest`. */
    async expectPushed(build: Build): Promise<string> {
      if (build.state !== 'succeeded') throw new Error(`build ${build.id} ${build.state}: ${JSON.stringify(build.failure)}`);
      const image = build.image!;
      expect(image.digest).toMatch(/^sha256:[0-9a-f]{64}$/);
      expect(image.tags).toEqual([`${image.repository}:${build.sha.slice(0, 7)}`, `${image.repository}:build-${build.number}`]);
      const repository = image.repository.slice(t().config.registry.host.length + 1);
      for (const tag of image.tags) {
        expect(await registryDigest({ repository, tag: tag.split(':').pop()! })).toBe(image.digest);
        images.push(tag);
      }
      return `${image.repository}@${image.digest}`;
    },
    /** Build logs as one text. */
    async log(buildId: string): Promise<string> {
      return (await t().services.logs.read(buildId)).map((e) => e.line).join('\n');
    },
    async cleanup() {
      for (const repo of repos) await repo.cleanup();
      for (const image of images) await t().services.docker.getImage(image).remove({ force: true }).catch(() => undefined);
    },
  };
  return self;
}
