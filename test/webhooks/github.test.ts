import { parseGithubDelivery } from '../../src/webhooks/github.js';
import { pingPayload, pushPayload, signedDelivery } from '../helpers/github.js';

const secret = 'hook-secret';
const sha = 'c'.repeat(40);

function parse(delivery: { headers: Record<string, string>; body: string }) {
  return parseGithubDelivery({ headers: delivery.headers, body: Buffer.from(delivery.body), secret });
}

describe('parseGithubDelivery', () => {
  test('a signed push becomes a PushEvent', () => {
    const d = signedDelivery({ secret, event: 'push', deliveryId: 'd-1', payload: pushPayload({ ref: 'refs/heads/main', sha, cloneUrl: 'git://x/y.git' }) });
    expect(parse(d)).toEqual({ provider: 'github', deliveryId: 'd-1', kind: 'push', eventName: 'push', ref: 'refs/heads/main', sha, deleted: false });
  });

  test('ping parses without a ref', () => {
    expect(parse(signedDelivery({ secret, event: 'ping', payload: pingPayload() })).kind).toBe('ping');
  });

  const push = () => signedDelivery({ secret, event: 'push', payload: pushPayload({ ref: 'refs/heads/main', sha, cloneUrl: 'git://x/y.git' }) });
  test.each([
    ['missing signature', () => { const d = push(); delete (d.headers as Record<string, string>)['x-hub-signature-256']; return d; }, 'WEBHOOK_SIGNATURE_MISSING'],
    ['wrong secret', () => signedDelivery({ secret: 'nope', event: 'push', payload: {} }), 'WEBHOOK_SIGNATURE_INVALID'],
    ['missing event header', () => { const d = push(); delete (d.headers as Record<string, string>)['x-github-event']; return d; }, 'WEBHOOK_PAYLOAD_INVALID'],
    ['signed non-JSON', () => signedDelivery({ secret, event: 'push', payload: null, body: '{"ref": ' }), 'WEBHOOK_PAYLOAD_INVALID'],
    ['push without after', () => signedDelivery({ secret, event: 'push', payload: { ref: 'refs/heads/main' } }), 'WEBHOOK_PAYLOAD_INVALID'],
    ['push with a non-hex after', () => signedDelivery({ secret, event: 'push', payload: { ref: 'refs/heads/main', after: '--upload-pack=x' } }), 'WEBHOOK_PAYLOAD_INVALID'],
  ])('%s → %s', (_name, delivery, code) => {
    expect(() => parse(delivery())).toThrow(expect.objectContaining({ code }));
  });
});
