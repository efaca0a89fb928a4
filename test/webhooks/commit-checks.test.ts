import { createHash, randomUUID } from 'node:crypto';
import path from 'node:path';
import { simpleGit } from 'simple-git';
import { startTestApi, type TestApi } from '../helpers/api.js';
import { auth } from '../helpers/config.js';
import { publishFixture, type PublishedRepo } from '../helpers/git-fixture.js';
import { signedDelivery } from '../helpers/github.js';
import { genericDelivery, signedBitbucketDelivery, signedGiteaDelivery, signedGitlabDelivery, type Delivery } from '../helpers/providers.js';

// What a webhook may build, on a real API, Redis and the local git daemon (no build worker: a
// build that is queued stays queued). The generic hook builds a commit only if it is on the app's
// branch; no provider builds a commit again because a signed body came back under a new delivery id.
let t: TestApi;
let repo: PublishedRepo;
/** Commits of the repo: c1 ← c2 ← head on main; `side` on another branch; `pull` only under refs/pull/1/head. */
const c: { c1: string; c2: string; head: string; side: string; pull: string } = { c1: '', c2: '', head: '', side: '', pull: '' };
const apps: Record<string, { name: string; secret: string }> = {};

beforeAll(async () => {
  t = await startTestApi();
  repo = await publishFixture('static-html');
  c.c1 = repo.sha;
  c.c2 = await repo.commit({ 'a.txt': 'a\n' });
  c.head = await repo.commit({ 'b.txt': 'b\n' });
  // Commits the server has but main does not reach: another branch, and a fork's pull request.
  const bare = simpleGit(path.join(process.env.SLIPWAY_GIT_ROOT!, repo.url.split('/').pop()!));
  const tree = (await bare.raw(['rev-parse', `${c.head}^{tree}`])).trim();
  const commitTree = async (message: string) =>
    (await bare.raw(['-c', 'user.name=x', '-c', 'user.email=x@x.test', 'commit-tree', tree, '-p', c.head, '-m', message])).trim();
  c.side = await commitTree('side');
  await bare.raw(['update-ref', 'refs/heads/side', c.side]);
  c.pull = await commitTree('from a fork');
  await bare.raw(['update-ref', 'refs/pull/1/head', c.pull]);
  for (const provider of ['github', 'gitlab', 'gitea', 'bitbucket', 'generic', 'branch']) {
    const name = `${provider}-${randomUUID().slice(0, 6)}`;
    const { secret } = await t.createApp({ name, repo: repo.url, branches: ['main', 'gone'], deploy: { autoDeploy: false } });
    apps[provider] = { name, secret };
  }
});
afterAll(async () => {
  await t.close();
  await repo?.cleanup();
});

/** Everything a refused delivery must leave as it was: the app's builds and the queue. */
const snapshot = async (app: string) => ({
  builds: (await t.services.builds.listForApp(app, 1000)).map((b) => b.id),
  jobs: await t.services.buildQueue.getJobCountByTypes('waiting', 'delayed', 'active'),
});

const generic = async (params: { app?: string; ref?: string; sha: string; deliveryId?: string }) => {
  const { name, secret } = apps[params.app ?? 'branch']!;
  const d = genericDelivery({ secret, ref: params.ref ?? 'main', sha: params.sha, deliveryId: params.deliveryId });
  const res = await t.api.inject({ method: 'POST', url: `/hooks/generic/${name}/${secret}`, headers: d.headers, payload: d.body });
  return { status: res.statusCode, body: res.json() as { buildId?: string; ignored?: boolean; reason?: string; error?: { code: string } } };
};

describe('the generic hook builds only a commit on the branch', () => {
  test.each([
    ['the head of the branch', () => c.head],
    ['a commit the head reaches', () => c.c1],
  ])('%s → queued', async (_name, sha) => {
    const res = await generic({ sha: sha() });
    expect(res.status).toBe(202);
    expect(await t.services.builds.get(res.body.buildId!)).toMatchObject({ sha: sha(), ref: 'refs/heads/main', state: 'queued' });
  });

  test.each([
    ['a commit on another branch', () => c.side, 'main'],
    ["a fork's pull request commit the server hands out", () => c.pull, 'main'],
    ['a commit that does not exist', () => 'd'.repeat(40), 'main'],
    ['a tracked branch the repo does not have', () => c.head, 'gone'],
  ])('%s → 202 "sha not on branch", nothing stored', async (_name, sha, ref) => {
    const before = await snapshot(apps.branch!.name);
    const res = await generic({ sha: sha(), ref });
    expect(res).toEqual({ status: 202, body: { ignored: true, reason: 'sha not on branch' } });
    expect(await snapshot(apps.branch!.name)).toEqual(before);
  });

  test('a repo that cannot be read → 502 REPO_UNREACHABLE, and the delivery is not spent: a retry is checked again', async () => {
    const name = `unreachable-${randomUUID().slice(0, 6)}`;
    const { secret } = await t.createApp({ name, repo: `${process.env.SLIPWAY_GIT_URL}/no-such-repo-${randomUUID()}.git`, deploy: { autoDeploy: false } });
    apps.unreachable = { name, secret };
    for (let i = 0; i < 2; i++) {
      const res = await generic({ app: 'unreachable', sha: c.head, deliveryId: 'retried-delivery' });
      expect(res.status).toBe(502);
      expect(res.body.error!.code).toBe('REPO_UNREACHABLE');
    }
    expect(await t.services.builds.listForApp(name)).toEqual([]);
  });
});

type Sign = (params: { secret: string; ref: string; sha: string; deliveryId?: string }) => Delivery;
const github: Sign = (p) => signedDelivery({ secret: p.secret, event: 'push', deliveryId: p.deliveryId, payload: { ref: p.ref, after: p.sha, deleted: false } });
const fakeSha = (seed: string) => createHash('sha1').update(seed).digest('hex');
/** Provider, signer, URL suffix, the header that carries the delivery id, the commit pushed. */
const providers: Array<[string, Sign, (s: string) => string, string, () => string]> = [
  ['github', github, () => '', 'x-github-delivery', () => fakeSha('github')],
  ['gitlab', signedGitlabDelivery, () => '', 'idempotency-key', () => fakeSha('gitlab')],
  ['gitea', signedGiteaDelivery, () => '', 'x-gitea-delivery', () => fakeSha('gitea')],
  ['bitbucket', signedBitbucketDelivery, () => '', 'x-request-uuid', () => fakeSha('bitbucket')],
  // The generic hook's commit must be on the branch: the head is.
  ['generic', genericDelivery, (s) => `/${s}`, 'x-slipway-delivery', () => c.head],
];

describe.each(providers)('%s: a replayed body under a new delivery id builds nothing new', (provider, sign, suffix, idHeader, sha) => {
  test('202 "sha already built" with the earlier build; nothing stored changes', async () => {
    const { name, secret } = apps[provider]!;
    const url = `/hooks/${provider}/${name}${suffix(secret)}`;
    const first = sign({ secret, ref: 'refs/heads/main', sha: sha(), deliveryId: `${provider}-first` });
    const queued = await t.api.inject({ method: 'POST', url, headers: first.headers, payload: first.body });
    expect(queued.statusCode).toBe(202);
    const buildId = queued.json().buildId as string;
    expect(buildId).toBeDefined();

    const before = await snapshot(name);
    // The same signed bytes and signature, another delivery id (a header: no signature covers it).
    expect(first.headers[idHeader]).toBe(`${provider}-first`);
    const replayed = { ...first.headers, [idHeader]: `${provider}-replayed` };
    const again = await t.api.inject({ method: 'POST', url, headers: replayed, payload: first.body });
    expect(again.statusCode).toBe(202);
    expect(again.json()).toEqual({ ignored: true, reason: 'sha already built', buildId });
    expect(await snapshot(name)).toEqual(before);
    // The original delivery id is still a plain redelivery.
    const redelivered = await t.api.inject({ method: 'POST', url, headers: first.headers, payload: first.body });
    expect(redelivered.json()).toEqual({ ignored: true, reason: 'duplicate delivery', buildId });
  });
});

test('a commit built through the API is not built again by a push of it', async () => {
  const { name, secret } = apps.github!;
  const sha = createHash('sha1').update('api-first').digest('hex');
  const started = await t.api.inject({ method: 'POST', url: `/apps/${name}/builds`, headers: auth, payload: { sha } });
  expect(started.statusCode).toBe(202);
  expect(started.json().id).toBeDefined();
  const d = github({ secret, ref: 'refs/heads/main', sha, deliveryId: randomUUID() });
  const res = await t.api.inject({ method: 'POST', url: `/hooks/github/${name}`, headers: d.headers, payload: d.body });
  expect(res.json()).toEqual({ ignored: true, reason: 'sha already built', buildId: started.json().id });
});

test('deleting the app forgets its commits: the app created again builds the same commit', async () => {
  const name = `again-${randomUUID().slice(0, 6)}`;
  const create = () => t.createApp({ name, repo: repo.url, deploy: { autoDeploy: false } });
  let { secret } = await create();
  const push = async () => {
    const d = github({ secret, ref: 'refs/heads/main', sha: c.c2, deliveryId: randomUUID() });
    return (await t.api.inject({ method: 'POST', url: `/hooks/github/${name}`, headers: d.headers, payload: d.body })).json();
  };
  const first = await push();
  expect(first.buildId).toBe(`${name}-1`);
  expect((await push()).reason).toBe('sha already built');
  expect((await t.api.inject({ method: 'DELETE', url: `/apps/${name}`, headers: auth })).statusCode).toBe(200);
  ({ secret } = await create());
  // Build numbers go on from the deleted app's: the id, its job and its image tag are new.
  expect((await push()).buildId).toBe(`${name}-2`);
});
