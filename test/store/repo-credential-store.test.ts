import { randomBytes, randomUUID } from 'node:crypto';
import { generateDeployKey } from '../../src/git/deploy-key.js';
import { openServices, type Services } from '../../src/services/services.js';
import { resealSecrets } from '../../src/store/reseal-secrets.js';
import { startTestApi, type TestApi } from '../helpers/api.js';
import { auth, testConfig } from '../helpers/config.js';

// issue 19: repo credentials at rest on real Redis: sealed, resealed on a key rotation, host
// keys pinned once, and gone with the app.
const keyA = randomBytes(32);
const keyB = randomBytes(32);
const withKey = (current: Buffer, old: Buffer[] = []) => ({
  SLIPWAY_SECRETS_KEY_FILE: '',
  SLIPWAY_SECRETS_KEY: current.toString('base64'),
  SLIPWAY_SECRETS_OLD_KEYS: old.map((k) => k.toString('base64')).join(','),
});
let t: TestApi;
let rotated: Services | undefined;
beforeAll(async () => {
  t = await startTestApi(withKey(keyA));
});
afterAll(async () => {
  await rotated?.close();
  await t.close();
});

async function app(repo = 'git@git.example.com:acme/shop.git'): Promise<string> {
  const name = `cred-${randomUUID().slice(0, 6)}`;
  await t.createApp({ name, repo, deploy: { autoDeploy: false } });
  return name;
}
const stored = async (name: string) => Object.entries(await t.services.redis.hgetall(t.services.keys.repoCredential(name))).flat().join('\n');

test('every field is sealed in Redis; a key rotation reseals them and they still open', async () => {
  const name = await app('https://git.example.com/acme/shop.git');
  const token = `tok-${randomUUID()}`;
  await t.services.repoCredentials.set(name, { kind: 'token', username: 'bot', token });
  const raw = await stored(name);
  expect(raw).not.toContain(token);
  expect(raw).not.toContain(Buffer.from(token).toString('base64'));
  expect(raw.split('\n').filter((_, i) => i % 2 === 1).every((v) => v.startsWith('sealed:v1:'))).toBe(true);

  rotated = openServices(testConfig({ ...withKey(keyB, [keyA]), SLIPWAY_PREFIX: t.config.prefix }));
  const report = await resealSecrets(rotated);
  expect(report.unreadable).toEqual([]);
  expect(report.resealed).toBeGreaterThanOrEqual(4);
  expect(await rotated.repoCredentials.get(name)).toEqual({ kind: 'token', username: 'bot', token });
});

test('host keys learned on first use are pinned once; a new key without known_hosts keeps them; deleting the app removes the credential', async () => {
  const name = await app();
  const first = generateDeployKey('a');
  await t.services.repoCredentials.set(name, { kind: 'ssh-key', privateKey: first.privateKey });
  const access = (await t.services.repoCredentials.access(name))!;
  await access.onHostKeysLearned('[git.example.com]:22 ssh-ed25519 AAAAfirst\n');
  await access.onHostKeysLearned('[git.example.com]:22 ssh-ed25519 AAAAsecond\n');
  expect(await t.services.repoCredentials.summary(name)).toMatchObject({ hostKeys: 'learned', knownHosts: '[git.example.com]:22 ssh-ed25519 AAAAfirst\n' });

  await t.services.repoCredentials.set(name, { kind: 'ssh-key', privateKey: generateDeployKey('b').privateKey });
  expect(await t.services.repoCredentials.get(name)).toMatchObject({ knownHosts: '[git.example.com]:22 ssh-ed25519 AAAAfirst\n' });

  expect((await t.api.inject({ method: 'DELETE', url: `/apps/${name}`, headers: auth })).statusCode).toBe(200);
  expect(await t.services.redis.exists(t.services.keys.repoCredential(name))).toBe(0);
  await access.onHostKeysLearned('[git.example.com]:22 ssh-ed25519 AAAAlate\n');
  expect(await t.services.redis.exists(t.services.keys.repoCredential(name))).toBe(0);
});
