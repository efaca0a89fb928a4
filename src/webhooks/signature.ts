import { createHmac, timingSafeEqual } from 'node:crypto';

export type HmacAlgorithm = 'sha1' | 'sha256';

/**
 * Verifies a hex HMAC of the raw request bytes in constant time. `header` is the value as
 * sent, with an optional `<algorithm>=` prefix (GitHub, Bitbucket) or bare hex (Gitea).
 * The HMAC is over the bytes received, never over re-serialised JSON: any other whitespace
 * or key order changes the bytes and must fail.
 */
export function verifyHmac(params: { secret: string; body: Buffer; header: string | undefined; algorithm: HmacAlgorithm; prefixed: boolean }): boolean {
  const { secret, body, header, algorithm, prefixed } = params;
  if (!header || !secret) return false;
  const expectedPrefix = `${algorithm}=`;
  if (prefixed && !header.startsWith(expectedPrefix)) return false;
  const hex = prefixed ? header.slice(expectedPrefix.length) : header;
  if (!/^[0-9a-f]+$/i.test(hex)) return false;
  const given = Buffer.from(hex, 'hex');
  const expected = createHmac(algorithm, secret).update(body).digest();
  return given.length === expected.length && timingSafeEqual(given, expected);
}
