import { createHash } from 'node:crypto';
import { buildApp, redactHookSecret } from '../../src/api/app.js';
import { startTestApi, type TestApi } from '../helpers/api.js';
import { auth } from '../helpers/config.js';
import { publishFixture, type PublishedRepo } from '../helpers/git-fixture.js';
import { signedDelivery } from '../helpers/github.js';
import { genericDelivery, signedBitbucketDelivery, signedGiteaDelivery, signedGitlabDelivery, type Delivery } from '../helpers/providers.js';

// Every provider's endpoint on a real API and Redis: a signed push queues a build, a bad secret
// queues nothing, a redelivery is answered with the first build.
const SHA = '1'.repeat(40);
let t: TestApi;
let secret: string;
// issue 14: the generic hook builds only a commit on the branch, so the app's repo is a real one
// (served by the local git daemon) whose release/2.0 head the generic push names.
let repo: PublishedRepo;

beforeAll(async () => {
  t = await startTestApi();
  repo = await publishFixture('static-html', 'release/2.0');
  ({ secret } = await t.createApp({ name: 'multi', repo: repo.url, branches: ['main', 'release/*'], deploy: { autoDeploy: false } }));
});
afterAll(async () => {
  await t.close();
  await repo?.cleanup();
});

const queued = () => t.services.buildQueue.getJobCounts('waiting', 'delayed').then((c) => c.waiting! + c.delayed!);

type Sign = (params: { secret: string; ref: string; sha: string; deliveryId?: string }) => Delivery;
const github: Sign = (p) => signedDelivery({ secret: p.secret, event: 'push', deliveryId: p.deliveryId, payload: { ref: p.ref, after: p.sha, deleted: false } });
const providers: Array<[string, Sign, (s: string) => string]> = [
  ['github', github, () => '/hooks/github/multi'],
  ['gitlab', signedGitlabDelivery, () => '/hooks/gitlab/multi'],
  ['gitea', signedGiteaDelivery, () => '/hooks/gitea/multi'],
  ['bitbucket', signedBitbucketDelivery, () => '/hooks/bitbucket/multi'],
  ['generic', genericDelivery, (s) => `/hooks/generic/multi/${s}`],
];

describe.each(providers)('%s', (provider, sign, url) => {
  test('a signed push to a filtered branch queues a build of that sha', async () => {
    // A commit of its own per provider: a second push of a sha already built builds nothing (issue 14).
    const sha = provider === 'generic' ? repo.sha : createHash('sha1').update(provider).digest('hex');
    const d = sign({ secret, ref: 'refs/heads/release/2.0', sha, deliveryId: `${provider}-d1` });
    const res = await t.api.inject({ method: 'POST', url: url(secret), headers: d.headers, payload: d.body });
    expect(res.statusCode).toBe(202);
    const build = await t.services.builds.get(res.json().buildId);
    expect(build).toMatchObject({ ref: 'refs/heads/release/2.0', sha, trigger: { kind: 'webhook', provider } });
    const again = await t.api.inject({ method: 'POST', url: url(secret), headers: d.headers, payload: d.body });
    expect(again.json()).toEqual({ ignored: true, reason: 'duplicate delivery', buildId: build.id });
  });

  test('a wrong secret → 401 and nothing queued', async () => {
    const before = await queued();
    const d = sign({ secret: 'not-the-secret', ref: 'refs/heads/main', sha: SHA });
    const res = await t.api.inject({ method: 'POST', url: url('not-the-secret'), headers: d.headers, payload: d.body });
    expect(res.statusCode).toBe(401);
    expect(res.json().error.code).toBe('WEBHOOK_SIGNATURE_INVALID');
    expect(await queued()).toBe(before);
  });

  test('a branch outside the filters → 202 with the reason', async () => {
    const d = sign({ secret, ref: 'refs/heads/feature/x', sha: SHA, deliveryId: `${provider}-d2` });
    const res = await t.api.inject({ method: 'POST', url: url(secret), headers: d.headers, payload: d.body });
    expect(res.json()).toEqual({ ignored: true, reason: 'branch not tracked' });
  });
});

test('an unknown provider → 400 naming the field', async () => {
  const res = await t.api.inject({ method: 'POST', url: '/hooks/svn/multi', headers: { 'content-type': 'application/json' }, payload: '{}' });
  expect(res.statusCode).toBe(400);
  expect(res.json().error.code).toBe('VALIDATION_FAILED');
});

test.each([
  ['/hooks/generic/shop/s3cr3t', '/hooks/generic/shop/****'],
  ['/hooks/generic/shop/s3cr3t?x=1', '/hooks/generic/shop/****?x=1'],
  ['/hooks/github/shop', '/hooks/github/shop'],
])('the request log shows %s as %s', (url, logged) => expect(redactHookSecret(url)).toBe(logged));

test('the generic secret never reaches the request log', async () => {
  const lines: string[] = [];
  const api = await buildApp(t.services, { logger: { level: 'info', stream: { write: (l: string) => void lines.push(l) } } });
  const d = genericDelivery({ secret, ref: 'refs/heads/main', sha: SHA });
  await api.inject({ method: 'POST', url: `/hooks/generic/multi/${secret}`, headers: d.headers, payload: d.body });
  await api.inject({ url: '/apps', headers: auth });
  await api.close();
  expect(lines.join('')).toContain('/hooks/generic/multi/****');
  expect(lines.join('')).not.toContain(secret);
});
