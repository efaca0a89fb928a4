import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { generateDeployKey } from '../../src/git/deploy-key.js';
import { startTestApi, type TestApi } from '../helpers/api.js';
import { cliEnv, slipway } from '../helpers/cli.js';

// issue 19: `slipway new-app --generate-deploy-key` and `slipway repo-credential` as a user runs
// them, against a real API: what goes in comes out only as a kind, a fingerprint and public parts.
let t: TestApi;
let env: Record<string, string>;
let dir: string;
const HOST_KEYS = `[git.example.com]:22 ${generateDeployKey('host').publicKey.split(' ').slice(0, 2).join(' ')}\n`;

beforeAll(async () => {
  t = await startTestApi();
  env = await cliEnv(t.api);
  dir = await mkdtemp(path.join(os.tmpdir(), 'slipway-cli-cred-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
  await t.close();
});

test('new-app --generate-deploy-key prints the public key and stops before building', async () => {
  const res = await slipway(['new-app', 'git@git.example.com:acme/shop.git', '--name', 'shop', '--generate-deploy-key'], env);
  expect(res).toMatchObject({ code: 0 });
  const stored = await t.services.repoCredentials.get('shop');
  if (stored?.kind !== 'ssh-key') throw new Error('no key stored');
  expect(res.stdout).toContain(`  ${stored.publicKey}`);
  expect(res.stdout).toContain('Add the deploy key to the repo, then: slipway start-build shop');
  expect(res.stdout).toContain('host keys: none yet: learned and pinned on first use');
  expect(res.stdout + res.stderr).not.toContain(stored.privateKey.split('\n')[1]);
  expect(await t.services.builds.listForApp('shop')).toEqual([]);
});

test('repo-credential set takes a key and known_hosts from files; show never prints the key; remove drops it', async () => {
  const key = generateDeployKey('given');
  await writeFile(path.join(dir, 'id'), key.privateKey, { mode: 0o600 });
  await writeFile(path.join(dir, 'known_hosts'), HOST_KEYS);
  const set = await slipway(['repo-credential', 'set', 'shop', '--deploy-key', `@${path.join(dir, 'id')}`, '--known-hosts', `@${path.join(dir, 'known_hosts')}`], env);
  expect(set).toMatchObject({ code: 0 });
  expect(set.stdout).toContain('host keys: 1 line(s), given');
  const show = await slipway(['repo-credential', 'show', 'shop'], env);
  expect(show.stdout).toMatch(/^kind: {6}SSH deploy key {2}sha256:[0-9a-f]{12}$/m);
  for (const out of [set.stdout, show.stdout]) expect(out).not.toContain(key.privateKey.split('\n')[1]);
  expect(await t.services.repoCredentials.get('shop')).toMatchObject({ privateKey: key.privateKey, knownHosts: HOST_KEYS });

  const token = await slipway(['repo-credential', 'set', 'shop', '--repo-token', 'abc'], env);
  expect(token.code).toBe(1);
  expect(token.stderr).toContain('a token is for an https:// repo URL');

  expect((await slipway(['repo-credential', 'remove', 'shop'], env)).code).toBe(0);
  const again = await slipway(['repo-credential', 'show', 'shop'], env);
  expect(again.code).toBe(1);
  expect(again.stderr).toContain('REPO_CREDENTIAL_NOT_FOUND');
});

test('a token as user:token from a file, for an https app', async () => {
  await t.createApp({ name: 'web', repo: 'https://git.example.com/acme/web.git', deploy: { autoDeploy: false } });
  await writeFile(path.join(dir, 'token'), 'ci-bot:glpat-0123456789\n', { mode: 0o600 });
  const set = await slipway(['repo-credential', 'set', 'web', '--repo-token', `@${path.join(dir, 'token')}`], env);
  expect(set.stdout).toMatch(/^kind: {6}token \(user ci-bot\) {2}sha256:[0-9a-f]{12}$/m);
  expect(set.stdout).not.toContain('glpat-0123456789');
  expect(await t.services.repoCredentials.get('web')).toEqual({ kind: 'token', username: 'ci-bot', token: 'glpat-0123456789' });
});
