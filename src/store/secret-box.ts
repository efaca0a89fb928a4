import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import { SlipwayError } from '../errors.js';

/** The keys secrets are sealed with: `current` for every write, `old` (retired keys) still open what they sealed. */
export interface SecretKeys {
  current: Buffer;
  old: Buffer[];
}

// `sealed:v1:<key id>:<base64url(iv ‖ tag ‖ ciphertext)>`. A stored value without the tag is a
// plaintext written before encryption: still read, sealed on its next read or write.
const TAG = 'sealed:v1:';
const IV_BYTES = 12;
const AUTH_TAG_BYTES = 16;

/** A key's id: stored with each value so a read knows which key opens it; says nothing about the key. */
export function keyId(key: Buffer): string {
  return createHash('sha256').update('slipway secrets key id\0').update(key).digest('hex').slice(0, 16);
}

/**
 * AES-256-GCM for the secrets Slipway keeps in Redis (app secret values, build secrets, webhook
 * secrets): a random 12-byte IV per value, the key id in the stored form, and the value's place
 * (`context`, e.g. `webhook-secret/shop`) as additional authenticated data, so a value copied
 * into another app's slot does not open. Redis holds only ciphertext: a process that reads
 * Redis without the key (a build step that reached it, a leaked RDB/AOF file) learns no secret.
 */
export class SecretBox {
  private readonly current: { id: string; key: Buffer };
  private readonly keys = new Map<string, Buffer>();

  constructor(keys: SecretKeys) {
    for (const key of [keys.current, ...keys.old]) {
      if (key.length !== 32) throw new Error('a secrets key must be 32 bytes');
      if (!this.keys.has(keyId(key))) this.keys.set(keyId(key), key);
    }
    this.current = { id: keyId(keys.current), key: keys.current };
  }

  seal(value: string, context: string): string {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.current.key, iv);
    cipher.setAAD(Buffer.from(context));
    const ciphertext = Buffer.concat([cipher.update(value, 'utf8'), cipher.final()]);
    return `${TAG}${this.current.id}:${Buffer.concat([iv, cipher.getAuthTag(), ciphertext]).toString('base64url')}`;
  }

  /** The value, and whether its stored form is stale (a plaintext, or sealed with an old key) and should be sealed again. */
  open(stored: string, context: string): { value: string; stale: boolean } {
    if (!stored.startsWith(TAG)) return { value: stored, stale: true };
    const [id, body] = stored.slice(TAG.length).split(':') as [string, string | undefined];
    const key = this.keys.get(id);
    if (!key) {
      throw new SlipwayError('SECRET_UNREADABLE', `a stored secret (${context}) is sealed with key ${id}, which is neither SLIPWAY_SECRETS_KEY nor one of SLIPWAY_SECRETS_OLD_KEYS`, { context, keyId: id });
    }
    const bytes = Buffer.from(body ?? '', 'base64url');
    try {
      const decipher = createDecipheriv('aes-256-gcm', key, bytes.subarray(0, IV_BYTES));
      decipher.setAAD(Buffer.from(context));
      decipher.setAuthTag(bytes.subarray(IV_BYTES, IV_BYTES + AUTH_TAG_BYTES));
      const value = Buffer.concat([decipher.update(bytes.subarray(IV_BYTES + AUTH_TAG_BYTES)), decipher.final()]).toString('utf8');
      return { value, stale: id !== this.current.id };
    } catch {
      throw new SlipwayError('SECRET_UNREADABLE', `a stored secret (${context}) does not open with key ${id}: it was altered or moved`, { context, keyId: id });
    }
  }
}

// Compare-and-set: a value sealed again on read replaces the stored one only if nobody wrote in
// between (a concurrent rotation of the same secret must win).
const SET_IF_EQUALS = "if redis.call('GET', KEYS[1]) == ARGV[1] then redis.call('SET', KEYS[1], ARGV[2]) return 1 end return 0";
const HSET_IF_EQUALS = "if redis.call('HGET', KEYS[1], ARGV[1]) == ARGV[2] then redis.call('HSET', KEYS[1], ARGV[1], ARGV[3]) return 1 end return 0";

/** Replaces string `key` (or hash field `field` of it) with `to` if it still holds `from`; true if it did. */
export async function replaceIfUnchanged(redis: Redis, params: { key: string; field?: string; from: string; to: string }): Promise<boolean> {
  const { key, field, from, to } = params;
  const done = field === undefined ? await redis.eval(SET_IF_EQUALS, 1, key, from, to) : await redis.eval(HSET_IF_EQUALS, 1, key, field, from, to);
  return done === 1;
}

/** A sealed Redis hash of name → value, read back opened; stale values are sealed again as they are read. */
export async function readSealedHash(params: { redis: Redis; box: SecretBox; key: string; context: (field: string) => string }): Promise<{ values: Record<string, string>; resealed: number }> {
  const { redis, box, key, context } = params;
  const stored = await redis.hgetall(key);
  const values: Record<string, string> = {};
  let resealed = 0;
  for (const [field, raw] of Object.entries(stored)) {
    const { value, stale } = box.open(raw, context(field));
    values[field] = value;
    if (stale && (await replaceIfUnchanged(redis, { key, field, from: raw, to: box.seal(value, context(field)) }))) resealed++;
  }
  return { values, resealed };
}

/** A sealed Redis string, opened; a stale one is sealed again. */
export async function readSealed(params: { redis: Redis; box: SecretBox; key: string; context: string }): Promise<{ value?: string; resealed: boolean }> {
  const { redis, box, key, context } = params;
  const raw = await redis.get(key);
  if (raw === null) return { resealed: false };
  const { value, stale } = box.open(raw, context);
  const resealed = stale && (await replaceIfUnchanged(redis, { key, from: raw, to: box.seal(value, context) }));
  return { value, resealed };
}

/** Seals every value of a name → value map for a hash. */
export function sealAll(box: SecretBox, values: Record<string, string>, context: (field: string) => string): Record<string, string> {
  return Object.fromEntries(Object.entries(values).map(([field, value]) => [field, box.seal(value, context(field))]));
}
