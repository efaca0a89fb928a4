import { createHmac, randomBytes, randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { buildApp } from '../../src/api/app.js';
import { Metrics } from '../../src/metrics/metrics.js';
import { openServices, type Services } from '../../src/services/services.js';
import { resealSecrets } from '../../src/store/reseal-secrets.js';
import { keyId } from '../../src/store/secret-box.js';
import { startTestApi, type TestApi } from '../helpers/api.js';
import { auth, testConfig } from '../helpers/config.js';
import { signedDelivery } from '../helpers/github.js';

// Secrets at rest on real Redis: what the API is given (webhook secrets, build secrets, app
// secrets) is in Redis only as AES-256-GCM ciphertext; values written in plaintext before this
// existed are still read, and sealed as they are; a key rotation moves every value to the new key.
const keyA = randomBytes(32);
const keyB = randomBytes(32);
const withKey = (current: Buffer, old: Buffer[] = []) => ({
  SLIPWAY_SECRETS_KEY_FILE: '',
  SLIPWAY_SECRETS_KEY: current.toString('base64'),
  SLIPWAY_SECRETS_OLD_KEYS: old.map((k) => k.toString('base64')).join(','),
});
let t: TestApi;
const others: Services[] = [];

beforeAll(async () => {
  t = await startTestApi(withKey(keyA));
});
afterAll(async () => {
  for (const s of others) await s.close();
  await t.close();
});

/** Services on the same Redis prefix as the test API, with other keys. */
function servicesWith(current: Buffer, old: Buffer[] = []): Services {
  const s = openServices(testConfig({ ...withKey(current, old), SLIPWAY_PREFIX: t.config.prefix }));
  others.push(s);
  return s;
}

/** Every byte stored under the prefix, whatever the key's type, as one text. */
async function everything(redis: Redis, prefix: string): Promise<string> {
  const parts: string[] = [];
  for (const key of await redis.keys(`${prefix}:*`)) {
    const type = await redis.type(key);
    parts.push(key);
    if (type === 'string') parts.push((await redis.get(key)) ?? '');
    if (type === 'hash') parts.push(...Object.entries(await redis.hgetall(key)).flat());
    if (type === 'list') parts.push(...(await redis.lrange(key, 0, -1)));
    if (type === 'set') parts.push(...(await redis.smembers(key)));
    if (type === 'zset') parts.push(...(await redis.zrange(key, '0', '-1')));
    if (type === 'stream') parts.push(JSON.stringify(await redis.xrange(key, '-', '+')));
  }
  return parts.join('\n');
}

/** A secret in every form it could leak as: itself, base64, hex. */
const forms = (value: string) => [value, Buffer.from(value).toString('base64'), Buffer.from(value).toString('hex')];

async function appWithSecrets(name: string) {
  const { secret: webhookSecret } = await t.createApp({ name, repo: 'git://127.0.0.1:9/x.git', deploy: { autoDeploy: false } });
  const buildSecret = `npm-${randomUUID()}`;
  const appSecret = `db-password-${randomUUID()}`;
  const put = await t.api.inject({ method: 'PUT', url: `/apps/${name}/build-secrets`, headers: auth, payload: { secrets: { NPM_TOKEN: buildSecret } } });
  expect(put.statusCode).toBe(200);
  const patch = await t.api.inject({ method: 'PATCH', url: `/apps/${name}/secrets`, headers: auth, payload: { set: { DB_PASSWORD: appSecret } } });
  expect(patch.statusCode).toBe(200);
  return { webhookSecret, buildSecret, appSecret };
}

async function webhookStatus(api: { inject: TestApi['api']['inject'] }, name: string, secret: string): Promise<number> {
  const d = signedDelivery({ secret, event: 'ping', payload: { zen: 'ok' } });
  return (await api.inject({ method: 'POST', url: `/hooks/github/${name}`, headers: d.headers, payload: d.body })).statusCode;
}

test('Redis holds no secret the API was given in plaintext, and every store reads them back', async () => {
  const name = `enc-${randomUUID().slice(0, 6)}`;
  const { webhookSecret, buildSecret, appSecret } = await appWithSecrets(name);
  const stored = await everything(t.services.redis, t.config.prefix);
  for (const value of [webhookSecret, buildSecret, appSecret]) {
    for (const form of forms(value)) expect(stored).not.toContain(form);
  }
  const raw = t.services.redis;
  const app = await t.services.apps.get(name);
  expect(await raw.get(t.services.keys.webhookSecret(name))).toMatch(new RegExp(`^sealed:v1:${keyId(keyA)}:`));
  expect(await raw.hget(t.services.keys.buildSecrets(name), 'NPM_TOKEN')).toMatch(/^sealed:v1:/);
  expect(await raw.hget(t.services.keys.secretVersion(name, app.deploy.secret!.version), 'DB_PASSWORD')).toMatch(/^sealed:v1:/);
  expect(await raw.get(t.services.keys.secretSalt(name))).toMatch(/^sealed:v1:/);

  expect(await t.services.apps.webhookSecret(name)).toBe(webhookSecret);
  expect(await t.services.buildSecrets.values(name)).toEqual({ NPM_TOKEN: buildSecret });
  expect(await t.services.secrets.get(name, app.deploy.secret!.version)).toEqual({ DB_PASSWORD: appSecret });
  // The webhook secret still verifies deliveries; a wrong one still does not.
  expect(await webhookStatus(t.api, name, webhookSecret)).toBe(202);
  expect(await webhookStatus(t.api, name, 'not-the-secret')).toBe(401);
});

test('values stored in plaintext before encryption are read, and sealed on that read; nothing is lost', async () => {
  const name = `legacy-${randomUUID().slice(0, 6)}`;
  await t.createApp({ name, repo: 'git://127.0.0.1:9/x.git', deploy: { autoDeploy: false } });
  const { redis, keys } = t.services;
  // Written as the stores did before: plaintext values, a plaintext HMAC key naming the version.
  const salt = randomBytes(32).toString('hex');
  const values = { API_KEY: `legacy-${randomUUID()}` };
  const version = createHmac('sha256', salt).update(JSON.stringify(Object.entries(values))).digest('hex').slice(0, 10);
  await redis.set(keys.webhookSecret(name), 'legacy-webhook-secret');
  await redis.hset(keys.buildSecrets(name), { NPM_TOKEN: 'legacy-npm-token' });
  await redis.set(keys.secretSalt(name), salt);
  await redis.hset(keys.secretVersion(name, version), values);
  await redis.sadd(keys.secretVersions(name), version);

  expect(await t.services.apps.webhookSecret(name)).toBe('legacy-webhook-secret');
  expect(await t.services.buildSecrets.values(name)).toEqual({ NPM_TOKEN: 'legacy-npm-token' });
  expect(await t.services.secrets.get(name, version)).toEqual(values);
  expect(await webhookStatus(t.api, name, 'legacy-webhook-secret')).toBe(202);

  expect(await redis.get(keys.webhookSecret(name))).toMatch(/^sealed:v1:/);
  expect(await redis.hget(keys.buildSecrets(name), 'NPM_TOKEN')).toMatch(/^sealed:v1:/);
  expect(await redis.hget(keys.secretVersion(name, version), 'API_KEY')).toMatch(/^sealed:v1:/);
  // The HMAC key is sealed when next used, its value kept: the same values still name the same version.
  expect(await redis.get(keys.secretSalt(name))).toBe(salt);
  expect(await t.services.secrets.save(name, values)).toBe(version);
  expect(await redis.get(keys.secretSalt(name))).toMatch(/^sealed:v1:/);
  const stored = await everything(redis, t.config.prefix);
  for (const value of ['legacy-webhook-secret', 'legacy-npm-token', values.API_KEY, salt]) expect(stored).not.toContain(value);
});

test('key rotation: the new key with the old one listed reads everything, resealSecrets moves it all, then the old key can go', async () => {
  const name = `rotate-${randomUUID().slice(0, 6)}`;
  const { webhookSecret, buildSecret, appSecret } = await appWithSecrets(name);
  const version = (await t.services.apps.get(name)).deploy.secret!.version;

  // Without the old key nothing opens: a clear error, never garbage.
  const onlyB = servicesWith(keyB);
  await expect(onlyB.apps.webhookSecret(name)).rejects.toMatchObject({ code: 'SECRET_UNREADABLE', message: expect.stringContaining(keyId(keyA)) });

  const rotated = servicesWith(keyB, [keyA]);
  const report = await resealSecrets(rotated);
  expect(report.unreadable).toEqual([]);
  // At least this app's webhook secret, build secret, app secret and HMAC key (other tests' apps share the prefix).
  expect(report.resealed).toBeGreaterThanOrEqual(4);
  const stored = await everything(rotated.redis, t.config.prefix);
  expect(stored).not.toContain(`sealed:v1:${keyId(keyA)}:`);
  expect(stored).toContain(`sealed:v1:${keyId(keyB)}:`);
  // A second run has nothing left to do.
  expect((await resealSecrets(rotated)).resealed).toBe(0);

  // The old key retired: the new one alone opens every value, and webhooks verify.
  expect(await onlyB.apps.webhookSecret(name)).toBe(webhookSecret);
  expect(await onlyB.buildSecrets.values(name)).toEqual({ NPM_TOKEN: buildSecret });
  expect(await onlyB.secrets.get(name, version)).toEqual({ DB_PASSWORD: appSecret });
  const api = await buildApp({ ...onlyB, metrics: new Metrics({ builds: onlyB.buildQueue, deploys: onlyB.deployQueue }) }, { logger: false });
  try {
    expect(await webhookStatus(api, name, webhookSecret)).toBe(202);
  } finally {
    await api.close();
  }
  // And the old key alone no longer opens anything.
  await expect(servicesWith(keyA).apps.webhookSecret(name)).rejects.toMatchObject({ code: 'SECRET_UNREADABLE' });
});

test("a sealed value moved into another app's slot does not open there", async () => {
  const a = `move-a-${randomUUID().slice(0, 6)}`;
  const b = `move-b-${randomUUID().slice(0, 6)}`;
  const { secret } = await t.createApp({ name: a, repo: 'git://127.0.0.1:9/x.git', deploy: { autoDeploy: false } });
  await t.createApp({ name: b, repo: 'git://127.0.0.1:9/x.git', deploy: { autoDeploy: false } });
  const { redis, keys } = t.services;
  await redis.set(keys.webhookSecret(b), (await redis.get(keys.webhookSecret(a)))!);
  await expect(t.services.apps.webhookSecret(b)).rejects.toMatchObject({ code: 'SECRET_UNREADABLE' });
  const d = signedDelivery({ secret, event: 'ping', payload: {} });
  const res = await t.api.inject({ method: 'POST', url: `/hooks/github/${b}`, headers: d.headers, payload: d.body });
  expect(res.statusCode).toBe(500);
  expect(res.json().error.code).toBe('SECRET_UNREADABLE');
});
