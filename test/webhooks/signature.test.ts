import { verifyHmac } from '../../src/webhooks/signature.js';
import { signHmac } from '../helpers/sign.js';

const secret = 'It\'s a Secret to Everybody';
const payload = { ref: 'refs/heads/main', after: 'a'.repeat(40), repository: { name: 'x' } };
const body = Buffer.from(JSON.stringify(payload));
const sig = (b: Buffer | string, s = secret) => `sha256=${signHmac({ secret: s, body: b, algorithm: 'sha256' })}`;

describe('verifyHmac (GitHub X-Hub-Signature-256)', () => {
  // GitHub's documented test vector for "Hello, World!" with this secret.
  test('matches GitHub documentation vector', () => {
    expect(
      verifyHmac({
        secret,
        body: Buffer.from('Hello, World!'),
        header: 'sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17',
        algorithm: 'sha256',
        prefixed: true,
      }),
    ).toBe(true);
  });

  const tampered = Buffer.from(body);
  tampered[10] = tampered[10]! ^ 1;
  const reserialised = Buffer.from(JSON.stringify(payload, null, 2));

  test.each([
    ['valid', body, sig(body), true],
    ['wrong secret', body, sig(body, 'another secret'), false],
    ['missing header', body, undefined, false],
    ['empty header', body, '', false],
    ['body tampered by one byte', tampered, sig(body), false],
    ['same JSON re-serialised with other whitespace', reserialised, sig(body), false],
    ['sha1 prefix on a sha256 header', body, sig(body).replace('sha256=', 'sha1='), false],
    ['no prefix', body, sig(body).replace('sha256=', ''), false],
    ['truncated digest', body, sig(body).slice(0, -2), false],
    ['non-hex digest', body, 'sha256=' + 'z'.repeat(64), false],
    ['uppercase hex is the same digest', body, 'sha256=' + sig(body).slice(7).toUpperCase(), true],
  ])('%s', (_name, bytes, header, expected) => {
    expect(verifyHmac({ secret, body: bytes as Buffer, header: header as string | undefined, algorithm: 'sha256', prefixed: true })).toBe(expected);
  });

  test('an empty secret never verifies', () => {
    expect(verifyHmac({ secret: '', body, header: `sha256=${signHmac({ secret: '', body, algorithm: 'sha256' })}`, algorithm: 'sha256', prefixed: true })).toBe(false);
  });
});
