import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { simpleGit } from 'simple-git';
import { cloneCommit, resolveBranch } from '../../src/git/clone.js';
import type { Lookup } from '../../src/git/repo-host.js';

// The guards around git, against servers this test starts on 127.0.0.1 (no other traffic): no
// HTTP redirect is followed, and a URL whose host is internal is refused before git runs.
const SHA = 'a'.repeat(40);
let dir: string;
let target: http.Server;
let redirector: http.Server;
const reached: string[] = [];
let targetUrl: string;
let redirectUrl: string;

const listen = async (server: http.Server) => {
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
};

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'slipway-clone-guard-'));
  // Stands in for an internal service a redirect would point git at.
  target = http.createServer((req, res) => {
    reached.push(req.url ?? '');
    res.writeHead(404).end();
  });
  targetUrl = await listen(target);
  // A "public" git host that answers every request with a redirect to the internal one.
  redirector = http.createServer((req, res) => res.writeHead(302, { location: `${targetUrl}${req.url}` }).end());
  redirectUrl = await listen(redirector);
});
afterAll(async () => {
  target.close();
  redirector.close();
  await rm(dir, { recursive: true, force: true });
});
beforeEach(() => {
  reached.length = 0;
});

const allowAll = { allowedSchemes: ['http' as const], allowPrivateHosts: true };

test('plain git follows the redirect (what the guard is for)', async () => {
  await simpleGit().listRemote(['--', `${redirectUrl}/repo.git`]).catch(() => undefined);
  expect(reached.length).toBeGreaterThan(0);
});

test('a clone does not follow a redirect: BUILD_CLONE_FAILED and the target is never reached', async () => {
  await expect(cloneCommit({ url: `${redirectUrl}/repo.git`, sha: SHA, dir: path.join(dir, 'c1'), policy: allowAll })).rejects.toMatchObject({ code: 'BUILD_CLONE_FAILED' });
  expect(reached).toEqual([]);
});

test('ls-remote does not follow a redirect either', async () => {
  await expect(resolveBranch({ url: `${redirectUrl}/repo.git`, branch: 'main', policy: allowAll })).rejects.toMatchObject({ code: 'REPO_UNREACHABLE' });
  expect(reached).toEqual([]);
});

describe('the host is checked again at clone time', () => {
  const strict = { allowedSchemes: ['http' as const, 'https' as const], allowPrivateHosts: false };
  const toLoopback: Lookup = async () => [{ address: '127.0.0.1', family: 4 }];

  test.each([
    ['a loopback address', () => `${targetUrl}/repo.git`, undefined, /127\.0\.0\.1 is loopback/],
    ['an IPv4-mapped loopback', () => `http://[::ffff:127.0.0.1]:${new URL(targetUrl).port}/repo.git`, undefined, /IPv4-mapped/],
    ['a name that now resolves to loopback', () => 'http://git.example.test/repo.git', toLoopback, /resolves to 127\.0\.0\.1 is loopback/],
    ['kubernetes.default.svc', () => 'https://kubernetes.default.svc/repo.git', undefined, /internal name/],
  ])('%s: the build fails with BUILD_CLONE_FAILED naming why, and git never runs', async (_name, url, lookup, reason) => {
    const checkout = path.join(dir, `c-${reached.length}-${Date.now()}`);
    await expect(cloneCommit({ url: url(), sha: SHA, dir: checkout, policy: strict, lookup })).rejects.toMatchObject({
      code: 'BUILD_CLONE_FAILED',
      message: expect.stringMatching(reason),
    });
    expect(reached).toEqual([]);
  });
});
