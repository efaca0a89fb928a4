import { randomBytes } from 'node:crypto';
import { keyId, SecretBox } from '../../src/store/secret-box.js';

const keyA = randomBytes(32);
const keyB = randomBytes(32);

describe('SecretBox', () => {
  const box = new SecretBox({ current: keyA, old: [] });

  test('seals with a fresh IV each time, names the key, and opens what it sealed', () => {
    const one = box.seal('hunter2-token', 'webhook-secret/shop');
    const two = box.seal('hunter2-token', 'webhook-secret/shop');
    expect(one).not.toEqual(two);
    expect(one).toMatch(new RegExp(`^sealed:v1:${keyId(keyA)}:[A-Za-z0-9_-]+$`));
    expect(one).not.toContain('hunter2');
    expect(box.open(one, 'webhook-secret/shop')).toEqual({ value: 'hunter2-token', stale: false });
  });

  test.each([
    ['empty', ''],
    ['unicode', 'pässwörd ✓ 秘密'],
    ['long', 'x'.repeat(100_000)],
    ['looks sealed', 'sealed:v0:abc'],
  ])('round-trips a %s value', (_name, value) => {
    expect(box.open(box.seal(value, 'c'), 'c').value).toBe(value);
  });

  test('a plaintext from before encryption reads as itself, marked stale', () => {
    expect(box.open('plain-old-secret', 'c')).toEqual({ value: 'plain-old-secret', stale: true });
  });

  test('a value moved to another slot does not open (the slot is authenticated)', () => {
    const sealed = box.seal('v', 'build-secret/shop/NPM_TOKEN');
    expect(() => box.open(sealed, 'build-secret/other/NPM_TOKEN')).toThrow(expect.objectContaining({ code: 'SECRET_UNREADABLE' }));
  });

  test('a changed byte does not open', () => {
    const sealed = box.seal('value', 'c');
    const body = Buffer.from(sealed.split(':').pop()!, 'base64url');
    body[body.length - 1]! ^= 1;
    const tampered = `${sealed.slice(0, sealed.lastIndexOf(':') + 1)}${body.toString('base64url')}`;
    expect(() => box.open(tampered, 'c')).toThrow(expect.objectContaining({ code: 'SECRET_UNREADABLE', message: expect.stringMatching(/altered/) }));
  });

  test('rotation: the new key opens nothing of the old one\'s alone; with the old key listed it does, marked stale', () => {
    const sealedWithA = box.seal('rotate-me', 'c');
    const onlyB = new SecretBox({ current: keyB, old: [] });
    expect(() => onlyB.open(sealedWithA, 'c')).toThrow(expect.objectContaining({ code: 'SECRET_UNREADABLE', message: expect.stringContaining(keyId(keyA)) }));
    const rotated = new SecretBox({ current: keyB, old: [keyA] });
    expect(rotated.open(sealedWithA, 'c')).toEqual({ value: 'rotate-me', stale: true });
    const resealed = rotated.seal('rotate-me', 'c');
    expect(resealed).toContain(keyId(keyB));
    expect(rotated.open(resealed, 'c')).toEqual({ value: 'rotate-me', stale: false });
  });

  test('a key must be 32 bytes', () => {
    expect(() => new SecretBox({ current: randomBytes(16), old: [] })).toThrow(/32 bytes/);
  });
});
