import type { ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { FINAL_BUILD_STATES, type Build } from '../../src/store/types.js';
import { startTestApi, type TestApi } from '../helpers/api.js';
import { auth } from '../helpers/config.js';
import { pipeline } from '../helpers/pipeline.js';
import { privateRepo, startHttpGitServer, type HttpGitServer, type PrivateRepo } from '../helpers/private-git.js';
import { killHard, spawnWorker } from '../helpers/processes.js';
import { startSshGitServer, type SshGitServer } from '../helpers/ssh-git-server.js';

// issue 19, private repos end to end: the API, a real build worker process, the registry, and
// two git servers of this machine that serve a repo only to its credential (HTTP Basic auth in
// front of git http-backend; an sshd whose keys are held to git-shell). With the credential the
// app builds; without it, or with a wrong one, the build fails with a code that says so. The
// credential is in no API answer, build log, Redis value, or image layer or history.
const SCHEMES = { SLIPWAY_ALLOWED_REPO_SCHEMES: 'https,ssh,git,http' };
// The image holds the whole checkout (.git excepted, as every build context): were a credential
// written into it, the image would show it.
const DOCKERFILE = 'ARG BASE_IMAGE=slipway-local/node:20-bookworm-slim\nFROM ${BASE_IMAGE}\nWORKDIR /app\nCOPY . /app/\nUSER 1001\nCMD ["node", "server.js"]\n';
const TOKEN = `pat-${randomUUID()}`;
let t: TestApi;
let worker: ChildProcess;
let http: HttpGitServer;
let ssh: SshGitServer;
let httpRepo: PrivateRepo;
let sshRepo: PrivateRepo;
const p = pipeline(() => t);

beforeAll(async () => {
  t = await startTestApi(SCHEMES);
  worker = spawnWorker({ kind: 'build', config: t.config, env: SCHEMES });
  http = await startHttpGitServer({ user: 'ci-bot', token: TOKEN });
  httpRepo = await privateRepo({ root: http.root, fixture: 'dockerfile-server', files: { Dockerfile: DOCKERFILE } });
  ssh = await startSshGitServer();
  sshRepo = await privateRepo({ root: ssh.root, fixture: 'dockerfile-server', files: { Dockerfile: DOCKERFILE } });
}, 60_000);
afterAll(async () => {
  if (worker) await killHard(worker);
  await p.cleanup();
  await http?.close();
  await ssh?.close();
  await t?.close();
});

const uniqueName = (base: string) => `${base}-${randomUUID().slice(0, 6)}`;
const inject = (method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, payload?: unknown) =>
  t.api.inject({ method, url, headers: auth, ...(payload === undefined ? {} : { payload: payload as Record<string, unknown> }) });

async function build(name: string, sha?: string): Promise<Build> {
  const res = await inject('POST', `/apps/${name}/builds`, sha ? { sha } : {});
  if (res.statusCode !== 202) throw new Error(`build not queued: ${res.statusCode} ${res.body}`);
  return p.until(res.json().id, [...FINAL_BUILD_STATES], 300_000);
}

/** Every byte stored under the test's prefix, as one text. */
async function everything(redis: Redis, prefix: string): Promise<string> {
  const parts: string[] = [];
  for (const key of await redis.keys(`${prefix}:*`)) {
    const type = await redis.type(key);
    if (type === 'string') parts.push((await redis.get(key)) ?? '');
    if (type === 'hash') parts.push(...Object.entries(await redis.hgetall(key)).flat());
    if (type === 'list') parts.push(...(await redis.lrange(key, 0, -1)));
    if (type === 'stream') parts.push(JSON.stringify(await redis.xrange(key, '-', '+')));
  }
  return parts.join('\n');
}

/** The image as `docker save` writes it (every layer, uncompressed, and its config), and its history. */
async function imageText(reference: string): Promise<string> {
  const image = t.services.docker.getImage(reference);
  const chunks: Buffer[] = [];
  for await (const chunk of (await image.get()) as AsyncIterable<Buffer>) chunks.push(chunk);
  const history = (await image.history()) as Array<{ CreatedBy: string }>;
  return Buffer.concat(chunks).toString('latin1') + history.map((h) => h.CreatedBy).join('\n') + JSON.stringify(await image.inspect());
}

/** Asserts that no form of any secret is in what the API, the log, Redis and the image hold. */
async function expectNowhere(params: { name: string; build: Build; secrets: string[] }) {
  const { name, build, secrets } = params;
  const answers = await Promise.all([`/apps/${name}`, `/apps/${name}/builds`, `/builds/${build.id}`, `/apps/${name}/repo-credential`].map((u) => inject('GET', u)));
  const places: Record<string, string> = {
    api: answers.map((a) => a.body).join('\n'),
    log: await p.log(build.id),
    redis: await everything(t.services.redis, t.config.prefix),
    ...(build.state === 'succeeded' ? { image: await imageText(build.image!.tags[0]!) } : {}),
  };
  for (const [place, text] of Object.entries(places)) {
    for (const secret of secrets) {
      for (const form of [secret, Buffer.from(secret).toString('base64')]) {
        if (text.includes(form)) throw new Error(`the credential (${form.slice(0, 6)}...) is in the ${place}`);
      }
    }
  }
}

describe('HTTPS token', () => {
  const url = () => `${http.url}/${httpRepo.file}`;

  test('an app created with the token builds; the token is in no answer, log, Redis value or image', async () => {
    const name = uniqueName('private-http');
    const created = await inject('POST', '/apps', { name, repo: url(), deploy: { autoDeploy: false }, repoCredential: { token: TOKEN, username: 'ci-bot' } });
    expect(created.statusCode).toBe(201);
    expect(created.json().repoCredential).toEqual({ kind: 'token', username: 'ci-bot', sha256: expect.stringMatching(/^[0-9a-f]{12}$/), updatedAt: expect.any(String) });
    expect(created.body).not.toContain(TOKEN);

    // No sha given: the branch head comes from ls-remote, which needs the token too.
    const done = await build(name);
    await p.expectPushed(done);
    expect(done.sha).toBe(httpRepo.sha);
    expect(http.requests.filter((r) => r.authorised).length).toBeGreaterThan(0);
    await expectNowhere({ name, build: done, secrets: [TOKEN, `ci-bot:${TOKEN}`] });
  });

  test('without the token: the build request answers 422 REPO_AUTH_FAILED, a build of a sha fails REPO_AUTH_FAILED', async () => {
    const name = uniqueName('public-http');
    expect((await inject('POST', '/apps', { name, repo: url(), deploy: { autoDeploy: false } })).statusCode).toBe(201);
    const refused = await inject('POST', `/apps/${name}/builds`, {});
    expect(refused.statusCode).toBe(422);
    expect(refused.json().error).toMatchObject({ code: 'REPO_AUTH_FAILED', message: expect.stringContaining('repo-credential') });
    const failed = await build(name, httpRepo.sha);
    expect(failed).toMatchObject({ state: 'failed', failure: { step: 'cloning', code: 'REPO_AUTH_FAILED' } });
  });

  test('with a wrong token the build fails REPO_AUTH_FAILED; the wrong token is in no answer, log or Redis value either', async () => {
    const name = uniqueName('wrong-http');
    const wrong = `pat-${randomUUID()}`;
    expect((await inject('POST', '/apps', { name, repo: url(), deploy: { autoDeploy: false } })).statusCode).toBe(201);
    const set = await inject('PUT', `/apps/${name}/repo-credential`, { token: wrong });
    expect(set.statusCode).toBe(200);
    expect(set.json()).toMatchObject({ kind: 'token', username: 'x-access-token' });
    const failed = await build(name, httpRepo.sha);
    expect(failed).toMatchObject({ state: 'failed', failure: { step: 'cloning', code: 'REPO_AUTH_FAILED' } });
    await expectNowhere({ name, build: failed, secrets: [wrong] });
  });
});

describe('SSH deploy key', () => {
  const url = () => `${ssh.base}${sshRepo.bare}`;

  test('a generated key: the public half is answered, the host key is learned and pinned on first use, the build succeeds; the key is nowhere', async () => {
    const name = uniqueName('private-ssh');
    const created = await inject('POST', '/apps', { name, repo: url(), deploy: { autoDeploy: false }, repoCredential: { generate: 'ed25519' } });
    expect(created.statusCode).toBe(201);
    const { publicKey } = created.json().repoCredential as { publicKey: string };
    expect(publicKey).toMatch(new RegExp(`^ssh-ed25519 AAAA\\S+ slipway-${name}$`));
    expect(created.json().repoCredential.knownHosts).toBeUndefined();
    // Before the key is on the host, the host refuses it.
    const early = await inject('POST', `/apps/${name}/builds`, {});
    expect(early.json().error).toMatchObject({ code: 'REPO_AUTH_FAILED' });

    await ssh.authorize(publicKey);
    const done = await build(name);
    await p.expectPushed(done);
    const summary = (await inject('GET', `/apps/${name}/repo-credential`)).json();
    expect(summary).toMatchObject({ kind: 'ssh-key', hostKeys: 'learned', knownHosts: ssh.knownHosts, publicKey });

    const stored = await t.services.repoCredentials.get(name);
    if (stored?.kind !== 'ssh-key') throw new Error('no key stored');
    const keyLines = stored.privateKey.split('\n').filter((l) => l.length >= 16 && !l.startsWith('-----'));
    await expectNowhere({ name, build: done, secrets: [stored.privateKey.trim(), ...keyLines] });
  });

  test('a key given with known_hosts; rotating to a key the host does not know fails REPO_AUTH_FAILED and keeps the pin; remove leaves none', async () => {
    const name = uniqueName('given-ssh');
    expect((await inject('POST', '/apps', { name, repo: url(), deploy: { autoDeploy: false } })).statusCode).toBe(201);
    const generated = await inject('PUT', `/apps/${name}/repo-credential`, { generate: 'ed25519', knownHosts: ssh.knownHosts });
    expect(generated.json()).toMatchObject({ hostKeys: 'given', knownHosts: ssh.knownHosts });
    await ssh.authorize(generated.json().publicKey);
    expect((await inject('POST', `/apps/${name}/builds`, {})).statusCode).toBe(202);

    const rotated = await inject('PUT', `/apps/${name}/repo-credential`, { generate: 'ed25519' });
    expect(rotated.json()).toMatchObject({ hostKeys: 'given', knownHosts: ssh.knownHosts });
    expect(rotated.json().publicKey).not.toBe(generated.json().publicKey);
    const failed = await build(name, sshRepo.sha);
    expect(failed).toMatchObject({ state: 'failed', failure: { step: 'cloning', code: 'REPO_AUTH_FAILED' } });

    expect((await inject('DELETE', `/apps/${name}/repo-credential`)).json()).toEqual({ removed: true });
    const gone = await inject('GET', `/apps/${name}/repo-credential`);
    expect(gone.statusCode).toBe(404);
    expect(gone.json().error.code).toBe('REPO_CREDENTIAL_NOT_FOUND');
  });

  test('a token for an ssh URL, or a key for an http one, is refused before anything is stored', async () => {
    const name = uniqueName('mismatch');
    const res = await inject('POST', '/apps', { name, repo: url(), repoCredential: { token: 'x' } });
    expect(res.statusCode).toBe(400);
    expect(res.json().error).toMatchObject({ code: 'VALIDATION_FAILED', message: expect.stringContaining('token is for an https://') });
    expect((await inject('GET', `/apps/${name}`)).statusCode).toBe(404);
    const key = await inject('POST', '/apps', { name, repo: `${http.url}/${httpRepo.file}`, repoCredential: { generate: 'ed25519' } });
    expect(key.json().error.message).toContain('an SSH key is for an ssh repo URL');
  });
});
