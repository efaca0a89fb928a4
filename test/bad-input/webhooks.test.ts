import { randomUUID } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { simpleGit } from 'simple-git';
import { startTestApi, type TestApi } from '../helpers/api.js';
import { auth } from '../helpers/config.js';
import { publishTree, type PublishedRepo } from '../helpers/git-fixture.js';
import { pushPayload, signedDelivery } from '../helpers/github.js';
import { genericDelivery, signedBitbucketDelivery, signedGiteaDelivery, signedGitlabDelivery, ZERO_SHA } from '../helpers/providers.js';
import { signHmac } from '../helpers/sign.js';
import { changes, errorBody, redisSnapshot } from './snapshot.js';

// Bad webhook deliveries, one row per case. A refusal (4xx) is checked for its exact status and
// `{error: {code}}`, and nothing under the suite's Redis prefix may change. A delivery that is
// accepted and ignored (202) is checked for its exact reason, and the only change allowed is the
// one key that remembers its delivery id (so a redelivery is recognised): no build, no queue job.
// The app tracks a real repo on the local git daemon, so the generic hook's "is this commit on
// the branch" check asks real git.

const BODY_LIMIT = 65_536;
const APP = 'hooked';
let t: TestApi;
let repo: PublishedRepo;

/** What the rows are made from, known once the seed ran. */
interface Seeded {
  secret: string;
  /** The branch head; the seeded push built it. */
  head: string;
  /** An older commit of the branch. */
  older: string;
  /** A commit on another branch of the same repo (a fork's pull request, say). */
  fork: string;
  /** The seeded push: its body, and the build it queued. */
  seedBody: string;
  seedDelivery: string;
  seedBuild: string;
}
let s: Seeded;

interface Delivery {
  url: string;
  headers: Record<string, string>;
  body: string;
  /** The provider and delivery id an accepted delivery is remembered by. */
  remembered?: { provider: string; id: string };
}
type Row = [name: string, delivery: () => Delivery, status: number, codeOrReason: string];

// ---- deliveries

const WRONG = 'not-the-secret-0123456789abcdef';
const main = 'refs/heads/main';

function github(params: { ref?: string; sha?: string; secret?: string; event?: string; payload?: unknown; body?: string; deleted?: boolean; deliveryId?: string }): Delivery {
  const id = params.deliveryId ?? randomUUID();
  const payload = params.payload ?? pushPayload({ ref: params.ref ?? main, sha: params.sha ?? s.head, cloneUrl: repo.url, deleted: params.deleted });
  const d = signedDelivery({ secret: params.secret ?? s.secret, event: params.event ?? 'push', payload, deliveryId: id, body: params.body });
  return { url: `/hooks/github/${APP}`, headers: d.headers, body: d.body, remembered: { provider: 'github', id } };
}

/** A GitHub delivery with one header replaced (or removed, with undefined). */
function githubWith(headers: Record<string, string | undefined>, base: Delivery = github({})): Delivery {
  const merged = { ...base.headers, ...headers };
  return { ...base, headers: Object.fromEntries(Object.entries(merged).filter((e): e is [string, string] => e[1] !== undefined)) };
}

function generic(params: { body?: string; ref?: string; sha?: string; pathSecret?: string; contentType?: string }): Delivery {
  const id = randomUUID();
  const d = genericDelivery({ secret: s.secret, ref: params.ref ?? 'main', sha: params.sha ?? s.head, deliveryId: id, body: params.body });
  return {
    url: `/hooks/generic/${APP}/${params.pathSecret ?? d.pathSecret}`,
    headers: { ...d.headers, ...(params.contentType ? { 'content-type': params.contentType } : {}) },
    body: d.body,
    remembered: { provider: 'generic', id },
  };
}

function gitlab(params: { secret?: string; ref?: string; sha?: string; without?: string }): Delivery {
  const id = randomUUID();
  const d = signedGitlabDelivery({ secret: params.secret ?? s.secret, ref: params.ref ?? main, sha: params.sha ?? s.head, deliveryId: id });
  const headers = { ...d.headers };
  if (params.without) delete headers[params.without];
  return { url: `/hooks/gitlab/${APP}`, headers, body: d.body, remembered: { provider: 'gitlab', id } };
}

function gitea(params: { secret?: string; forgejo?: boolean; without?: string[]; headers?: Record<string, string> }): Delivery {
  const id = randomUUID();
  const d = signedGiteaDelivery({ secret: params.secret ?? s.secret, ref: main, sha: s.head, deliveryId: id, forgejo: params.forgejo });
  const headers = { ...d.headers, ...params.headers };
  for (const name of params.without ?? []) delete headers[name];
  return { url: `/hooks/gitea/${APP}`, headers, body: d.body, remembered: { provider: 'gitea', id } };
}

function bitbucket(params: { secret?: string; ref?: string; signature?: (body: string) => string }): Delivery {
  const id = randomUUID();
  const d = signedBitbucketDelivery({ secret: params.secret ?? s.secret, ref: params.ref ?? main, sha: s.head, deliveryId: id });
  const headers = { ...d.headers, ...(params.signature ? { 'x-hub-signature': params.signature(d.body) } : {}) };
  return { url: `/hooks/bitbucket/${APP}`, headers, body: d.body, remembered: { provider: 'bitbucket', id } };
}

const signed = (body: string, algorithm: 'sha1' | 'sha256' = 'sha256', secret = s.secret) => `${algorithm}=${signHmac({ secret, body, algorithm })}`;

// ---- the rows

const REFUSED: Row[] = [
  ['an unknown provider', () => ({ ...github({}), url: `/hooks/gogs/${APP}` }), 400, 'VALIDATION_FAILED'],
  ['an app that does not exist', () => ({ ...github({}), url: '/hooks/github/nope' }), 404, 'APP_NOT_FOUND'],
  ['github: no signature', () => githubWith({ 'x-hub-signature-256': undefined }), 401, 'WEBHOOK_SIGNATURE_MISSING'],
  ['github: signed with another secret', () => github({ secret: WRONG }), 401, 'WEBHOOK_SIGNATURE_INVALID'],
  [
    'github: the signature of the JSON re-serialised, not of the bytes sent',
    () => {
      const payload = pushPayload({ ref: main, sha: s.head, cloneUrl: repo.url });
      const d = github({ payload, body: JSON.stringify(payload, null, 2) });
      return githubWith({ 'x-hub-signature-256': signed(JSON.stringify(payload)) }, d);
    },
    401,
    'WEBHOOK_SIGNATURE_INVALID',
  ],
  ['github: a sha1 signature where sha256 is required', () => { const d = github({}); return githubWith({ 'x-hub-signature-256': signed(d.body, 'sha1') }, d); }, 401, 'WEBHOOK_SIGNATURE_INVALID'],
  ['github: only the legacy sha1 X-Hub-Signature', () => { const d = github({}); return githubWith({ 'x-hub-signature-256': undefined, 'x-hub-signature': signed(d.body, 'sha1') }, d); }, 401, 'WEBHOOK_SIGNATURE_MISSING'],
  ['github: a sha256 signature with the hex cut short', () => { const d = github({}); return githubWith({ 'x-hub-signature-256': signed(d.body).slice(0, 40) }, d); }, 401, 'WEBHOOK_SIGNATURE_INVALID'],
  ['github: malformed JSON with a valid signature', () => github({ body: '{"ref": "refs/heads/main", "after": ' }), 400, 'WEBHOOK_PAYLOAD_INVALID'],
  ['github: a valid signature over a JSON array', () => github({ body: '[]' }), 400, 'WEBHOOK_PAYLOAD_INVALID'],
  ['github: an "after" that is not hex, validly signed', () => github({ sha: 'z'.repeat(40) }), 400, 'WEBHOOK_PAYLOAD_INVALID'],
  ['github: no delivery id, validly signed', () => githubWith({ 'x-github-delivery': undefined }), 400, 'WEBHOOK_PAYLOAD_INVALID'],
  [
    'github: an oversize body, validly signed',
    () => github({ payload: { ...pushPayload({ ref: main, sha: s.head, cloneUrl: repo.url }), pad: 'x'.repeat(BODY_LIMIT) } }),
    413,
    'BODY_TOO_LARGE',
  ],
  ['github: text/plain, validly signed', () => githubWith({ 'content-type': 'text/plain' }), 415, 'UNSUPPORTED_MEDIA_TYPE'],
  ['gitlab: no token', () => gitlab({ without: 'x-gitlab-token' }), 401, 'WEBHOOK_SIGNATURE_MISSING'],
  ['gitlab: a wrong token', () => gitlab({ secret: WRONG }), 401, 'WEBHOOK_SIGNATURE_INVALID'],
  ['gitea: signed with another secret', () => gitea({ secret: WRONG }), 401, 'WEBHOOK_SIGNATURE_INVALID'],
  ['gitea: no X-Gitea-Signature (the GitHub-style copies are not it)', () => gitea({ without: ['x-gitea-signature'] }), 401, 'WEBHOOK_SIGNATURE_MISSING'],
  [
    'forgejo: a wrong X-Forgejo-Signature beside a right X-Gitea-Signature',
    () => {
      const d = gitea({ forgejo: true });
      return { ...d, headers: { ...d.headers, 'x-forgejo-signature': signHmac({ secret: WRONG, body: d.body, algorithm: 'sha256' }) } };
    },
    401,
    'WEBHOOK_SIGNATURE_INVALID',
  ],
  ['bitbucket: signed with another secret', () => bitbucket({ secret: WRONG }), 401, 'WEBHOOK_SIGNATURE_INVALID'],
  ['bitbucket: a sha1 signature', () => bitbucket({ signature: (body) => signed(body, 'sha1') }), 401, 'WEBHOOK_SIGNATURE_INVALID'],
  ['bitbucket: no signature', () => bitbucket({ signature: () => '' }), 401, 'WEBHOOK_SIGNATURE_MISSING'],
  ['generic: a wrong path secret', () => generic({ pathSecret: WRONG }), 401, 'WEBHOOK_SIGNATURE_INVALID'],
  ['generic: no ref', () => generic({ body: JSON.stringify({ sha: s.head }) }), 400, 'WEBHOOK_PAYLOAD_INVALID'],
  ['generic: no sha', () => generic({ body: JSON.stringify({ ref: 'main' }) }), 400, 'WEBHOOK_PAYLOAD_INVALID'],
  ['generic: a sha that is not hex', () => generic({ sha: 'g'.repeat(40) }), 400, 'WEBHOOK_PAYLOAD_INVALID'],
  ['generic: a sha of 39 characters', () => generic({ sha: s.head.slice(0, 39) }), 400, 'WEBHOOK_PAYLOAD_INVALID'],
  ['generic: a sha in uppercase', () => generic({ sha: s.head.toUpperCase() }), 400, 'WEBHOOK_PAYLOAD_INVALID'],
  ['generic: a ref with ..', () => generic({ ref: 'main..evil' }), 400, 'WEBHOOK_PAYLOAD_INVALID'],
  ['generic: a repo that is not a string', () => generic({ body: JSON.stringify({ ref: 'main', sha: s.head, repo: { url: 'file:///etc' } }) }), 400, 'WEBHOOK_PAYLOAD_INVALID'],
  ['generic: malformed JSON', () => generic({ body: '{"ref": "main", "sha":' }), 400, 'WEBHOOK_PAYLOAD_INVALID'],
  ['generic: an oversize body', () => generic({ body: JSON.stringify({ ref: 'main', sha: s.head, pad: 'x'.repeat(BODY_LIMIT) }) }), 413, 'BODY_TOO_LARGE'],
];

const IGNORED: Row[] = [
  ['generic: a commit of another branch, not on the tracked one', () => generic({ sha: s.fork }), 202, 'sha not on branch'],
  ['generic: a commit no one has', () => generic({ sha: 'd'.repeat(40) }), 202, 'sha not on branch'],
  ['generic: the head again (already built)', () => generic({ sha: s.head }), 202, 'sha already built'],
  ['github: the seeded body replayed under a new delivery id', () => github({ body: s.seedBody }), 202, 'sha already built'],
  ['github: the seeded delivery again (same id)', () => github({ body: s.seedBody, deliveryId: s.seedDelivery }), 202, 'duplicate delivery'],
  ['github: a tag push', () => github({ ref: 'refs/tags/v1.0.0', sha: s.older }), 202, 'tag push'],
  ['github: a deleted branch', () => github({ sha: ZERO_SHA, deleted: true }), 202, 'branch deleted'],
  ['github: a branch the app does not track', () => github({ ref: 'refs/heads/fork', sha: s.fork }), 202, 'branch not tracked'],
  ['github: an event that is not a push', () => github({ event: 'issues', payload: { action: 'opened' } }), 202, 'event "issues" is not a push'],
  ['gitlab: a deleted branch', () => gitlab({ sha: ZERO_SHA }), 202, 'branch deleted'],
  ['bitbucket: a tag push', () => bitbucket({ ref: 'refs/tags/v1.0.0' }), 202, 'tag push'],
  ['generic: a ref that reads like a git option', () => generic({ ref: '--upload-pack=touch$IFS/tmp/pwned' }), 202, 'branch not tracked'],
];

const ROWS: Row[] = [...REFUSED, ...IGNORED];

// ---- the seed

/** A commit on a new branch `fork` of the published repo: on the server, never on `main`. */
async function commitOnAnotherBranch(url: string): Promise<string> {
  const bare = path.join(process.env.SLIPWAY_GIT_ROOT!, path.basename(url));
  const work = await mkdtemp(path.join(os.tmpdir(), 'slipway-fork-'));
  try {
    const git = simpleGit();
    await git.clone(bare, work);
    const clone = simpleGit(work);
    await clone.addConfig('user.name', 'Fork').addConfig('user.email', 'fork@example.test');
    await clone.checkoutLocalBranch('fork');
    await writeFile(path.join(work, 'fork.txt'), 'not on main\n');
    await clone.add('.').commit('fork: a commit main never gets');
    await clone.push('origin', 'fork');
    return (await clone.revparse(['HEAD'])).trim();
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

beforeAll(async () => {
  t = await startTestApi({ SLIPWAY_WEBHOOK_BODY_LIMIT: String(BODY_LIMIT) });
  repo = await publishTree({ name: 'hooked', files: { 'README.md': 'one\n' } });
  const older = repo.sha;
  const head = await repo.commit({ 'README.md': 'two\n' });
  const fork = await commitOnAnotherBranch(repo.url);
  const { secret } = await t.createApp({ name: APP, repo: repo.url, branch: 'main', deploy: { autoDeploy: false, env: { GREETING: 'hi' } } });
  const api = async (method: 'PATCH' | 'POST', url: string, payload: unknown, status: number) => {
    const res = await t.api.inject({ method, url, headers: auth, payload: payload as object });
    if (res.statusCode !== status) throw new Error(`seeding ${method} ${url}: ${res.statusCode} ${res.body}`);
  };
  await api('PATCH', `/apps/${APP}/secrets`, { set: { API_KEY: 'sk-live-0123456789abcdef' } }, 200);
  await api('POST', `/apps/${APP}/releases`, { image: `127.0.0.1:5000/${APP}@sha256:${'a'.repeat(64)}` }, 202);
  // The seeded push: a real build of the head, queued (no build worker runs here).
  const seedDelivery = randomUUID();
  const payload = pushPayload({ ref: main, sha: head, cloneUrl: repo.url });
  const d = signedDelivery({ secret, event: 'push', payload, deliveryId: seedDelivery });
  const res = await t.api.inject({ method: 'POST', url: `/hooks/github/${APP}`, headers: d.headers, payload: d.body });
  if (res.statusCode !== 202 || !res.json().buildId) throw new Error(`the seeded push was not built: ${res.statusCode} ${res.body}`);
  s = { secret, head, older, fork, seedBody: d.body, seedDelivery, seedBuild: res.json().buildId as string };
}, 120_000);

afterAll(async () => {
  await t?.close();
  await repo?.cleanup();
});

const snapshot = () => redisSnapshot({ redis: t.services.redis, prefix: t.config.prefix });

test('the seeded state is there to be damaged', async () => {
  const keys = Object.keys(await snapshot()).map((k) => k.slice(t.config.prefix.length + 1));
  expect(keys).toEqual(
    expect.arrayContaining([`app:${APP}`, `app:${APP}:webhook-secret`, `app:${APP}:release:1`, `build:${s.seedBuild}`, `app:${APP}:built-shas`, `delivery:github:${APP}:${s.seedDelivery}`]),
  );
  expect(keys.some((k) => k.startsWith(`app:${APP}:secret:`))).toBe(true);
  expect(keys.some((k) => k.startsWith('bull:builds:'))).toBe(true);
  expect((await t.services.builds.get(s.seedBuild)).sha).toBe(s.head);
});

test.each(ROWS.map(([name, delivery, status, expected]) => [`${name} → ${status} ${expected}`, delivery, status, expected] as const))(
  '%s',
  async (_name, delivery, status, expected) => {
    const d = delivery();
    const before = await snapshot();
    const res = await t.api.inject({ method: 'POST', url: d.url, headers: d.headers, payload: d.body });
    const body = res.json() as { error?: { code?: string }; ignored?: boolean; reason?: string; buildId?: string };
    const after = await snapshot();
    if (status !== 202) {
      expect({ status: res.statusCode, body }).toEqual({ status, body: errorBody(expected, body) });
      expect(changes(before, after)).toEqual([]);
      return;
    }
    // Ignored: the reason; the build it names, for a commit built before; nothing new stored but
    // the delivery id (a redelivery of a known id stores nothing at all).
    const known = ['sha already built', 'duplicate delivery'].includes(expected);
    expect({ status: res.statusCode, body }).toEqual({ status, body: { ignored: true, reason: expected, ...(known ? { buildId: s.seedBuild } : {}) } });
    const remembered = expected === 'duplicate delivery' ? [] : [{ key: `${t.config.prefix}:delivery:${d.remembered!.provider}:${APP}:${d.remembered!.id}`, change: 'added' }];
    expect(changes(before, after)).toEqual(remembered);
    expect(after[remembered[0]?.key ?? '']?.value ?? '').toBe('');
    expect((await t.services.builds.listForApp(APP)).map((b) => b.id)).toEqual([s.seedBuild]);
  },
);
