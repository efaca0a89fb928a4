import { auth } from '../helpers/config.js';
import { startTestApi, type TestApi } from '../helpers/api.js';
import { pausedCanary, saveReleases } from '../helpers/progress-release.js';
import type { Release } from '../../src/store/types.js';

// POST /apps/:app/promote and /abort on a real API and Redis: the command reaches the key the
// deploy job reads (ReleaseStore.takeCommand), for the release in flight and no other.
let t: TestApi;

beforeAll(async () => {
  t = await startTestApi();
  for (const name of ['calm', 'canary', 'greens']) await t.createApp({ name, repo: `git://127.0.0.1:9419/${name}.git`, branch: 'main' });
});
afterAll(() => t.close());

const post = (url: string, payload?: unknown) => t.api.inject({ method: 'POST', url, headers: auth, ...(payload === undefined ? {} : { payload: payload as object }) });
const app = (name: string) => t.services.apps.get(name);

describe('promote and abort a canary in progress', () => {
  let stable: Release;
  let canary: Release;
  beforeAll(async () => {
    [stable, canary] = await saveReleases({ releases: t.services.releases, app: await app('canary'), records: [{ status: 'current' }, { status: 'deploying' }] });
    canary = await t.services.releases.update('canary', canary!.number, { progress: pausedCanary(stable!.number) });
  });

  test.each<[string, string, unknown, string]>([
    ['promote, no body', 'promote', undefined, 'promote'],
    ['promote {}', 'promote', {}, 'promote'],
    ['promote {full: false}', 'promote', { full: false }, 'promote'],
    ['promote {full: true}: to the last step', 'promote', { full: true }, 'promote-full'],
    ['abort', 'abort', {}, 'abort'],
  ])('%s → 202 with the release, the command left for its deploy job', async (_name, action, body, command) => {
    const res = await post(`/apps/canary/${action}`, body);
    expect(res.statusCode).toBe(202);
    expect(res.json()).toMatchObject({ app: 'canary', number: canary.number, status: 'deploying', progress: { strategy: 'Canary', phase: 'paused', step: 2 } });
    expect(await t.services.releases.takeCommand('canary', canary.number)).toBe(command);
    // Taken once: the stable release never got one.
    expect(await t.services.releases.takeCommand('canary', canary.number)).toBeUndefined();
    expect(await t.services.releases.takeCommand('canary', stable.number)).toBeUndefined();
  });

  test('without the token → 401 and no command left', async () => {
    const res = await t.api.inject({ method: 'POST', url: '/apps/canary/abort', payload: {} });
    expect(res.statusCode).toBe(401);
    expect(await t.services.releases.takeCommand('canary', canary.number)).toBeUndefined();
  });

  test('a blue-green release in its scale-down window takes an abort', async () => {
    const [, current] = await saveReleases({
      releases: t.services.releases,
      app: await app('greens'),
      records: [
        { status: 'superseded' },
        { status: 'current', progress: { ...pausedCanary(1), strategy: 'BlueGreen', phase: 'scaling-down', step: 1, steps: [100], share: 100, analyses: [], scaleDownAt: new Date(Date.now() + 30_000).toISOString() } },
      ],
    });
    const res = await post('/apps/greens/abort', {});
    expect(res.statusCode).toBe(202);
    expect(res.json().number).toBe(current!.number);
    expect(await t.services.releases.takeCommand('greens', current!.number)).toBe('abort');
  });
});

describe('refused', () => {
  test.each<[string, string, unknown, number, string]>([
    ['promote with no rollout in progress', '/apps/calm/promote', {}, 409, 'ROLLOUT_NOT_IN_PROGRESS'],
    ['abort with no rollout in progress', '/apps/calm/abort', {}, 409, 'ROLLOUT_NOT_IN_PROGRESS'],
    ['an unknown app', '/apps/nope/promote', {}, 404, 'APP_NOT_FOUND'],
    ['an unknown field', '/apps/canary/promote', { fully: true }, 400, 'VALIDATION_FAILED'],
    ['full not a boolean', '/apps/canary/promote', { full: 'yes' }, 400, 'VALIDATION_FAILED'],
    ['a body on abort', '/apps/canary/abort', { full: true }, 400, 'VALIDATION_FAILED'],
  ])('%s', async (_name, url, body, status, code) => {
    const res = await post(url, body);
    expect(res.statusCode).toBe(status);
    expect(res.json().error.code).toBe(code);
  });

  test('a rollout that ended takes no command', async () => {
    const [, done] = await saveReleases({ releases: t.services.releases, app: await app('calm'), records: [{ status: 'superseded' }, { status: 'current', progress: { ...pausedCanary(1), phase: 'done' } }] });
    const res = await post('/apps/calm/promote', {});
    expect(res.statusCode).toBe(409);
    expect(res.json().error.message).toContain('has no blue-green or canary rollout in progress to promote');
    expect(await t.services.releases.takeCommand('calm', done!.number)).toBeUndefined();
  });

});

test('the OpenAPI document has both routes, answering a Release', async () => {
  const doc = (await t.api.inject('/docs/json')).json() as { paths: Record<string, Record<string, { responses: Record<string, unknown> }>> };
  for (const path of ['/apps/{app}/promote', '/apps/{app}/abort']) {
    expect(JSON.stringify(doc.paths[path]?.post?.responses['202'])).toContain('Release');
  }
});
