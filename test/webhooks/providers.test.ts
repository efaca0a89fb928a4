import { createHash } from 'node:crypto';
import { parseBitbucketDelivery } from '../../src/webhooks/bitbucket.js';
import { parseGenericDelivery } from '../../src/webhooks/generic.js';
import { parseGiteaDelivery } from '../../src/webhooks/gitea.js';
import { parseGitlabDelivery } from '../../src/webhooks/gitlab.js';
import type { PushEvent } from '../../src/webhooks/push-event.js';
import {
  BITBUCKET_HOOK_UUID, ZERO_SHA, bitbucketChange, bitbucketPushPayload, genericDelivery, gitlabPushPayload,
  signedBitbucketDelivery, signedGiteaDelivery, signedGitlabDelivery, type Delivery, type DeliveryParams,
} from '../helpers/providers.js';

const secret = 'hook-secret';
const sha = 'da1560886d4f094c3e6c9ef40349f7d38b5d27d7';
const code = (c: string) => expect.objectContaining({ code: c });
type Rejection = readonly [name: string, code: string, run: () => unknown];
const without = (d: Delivery, names: string[]): Delivery => ({ ...d, headers: Object.fromEntries(Object.entries(d.headers).filter(([k]) => !names.includes(k))) });
const gitlab = (d: Delivery, s = secret) => parseGitlabDelivery({ headers: d.headers, body: Buffer.from(d.body), secret: s });
const gitea = (d: Delivery, s = secret) => parseGiteaDelivery({ headers: d.headers, body: Buffer.from(d.body), secret: s });
const bitbucket = (d: Delivery, s = secret, branch = 'main') => parseBitbucketDelivery({ headers: d.headers, body: Buffer.from(d.body), secret: s, branch });
const generic = (d: Delivery & { pathSecret: string }, s = secret) => parseGenericDelivery({ headers: d.headers, body: Buffer.from(d.body), pathSecret: d.pathSecret, secret: s });

interface Provider {
  name: string; provider: string; pushEvent: string; otherEvent: string; deletedRef: string; hmac: boolean;
  deliver: (p: DeliveryParams) => Delivery; parse: (d: Delivery, s?: string) => PushEvent;
  signatureHeaders: string[]; deliveryHeaders: string[];
}
const providers: Provider[] = [
  { name: 'gitlab', provider: 'gitlab', pushEvent: 'Push Hook', otherEvent: 'Pipeline Hook', deletedRef: 'refs/heads/feature', hmac: false, deliver: signedGitlabDelivery, parse: gitlab, signatureHeaders: ['x-gitlab-token'], deliveryHeaders: ['idempotency-key', 'x-gitlab-event-uuid'] },
  // Gitea reports a deleted branch as a `delete` event (tested below); the zero-sha push it sends is for a deleted tag.
  { name: 'gitea', provider: 'gitea', pushEvent: 'push', otherEvent: 'create', deletedRef: 'refs/tags/v1.0.0', hmac: true, deliver: signedGiteaDelivery, parse: gitea, signatureHeaders: ['x-gitea-signature'], deliveryHeaders: ['x-gitea-delivery'] },
  { name: 'forgejo', provider: 'gitea', pushEvent: 'push', otherEvent: 'delete', deletedRef: 'refs/tags/v1.0.0', hmac: true, deliver: (p) => signedGiteaDelivery({ ...p, forgejo: true }), parse: gitea, signatureHeaders: ['x-forgejo-signature', 'x-gitea-signature'], deliveryHeaders: ['x-forgejo-delivery'] },
  { name: 'bitbucket', provider: 'bitbucket', pushEvent: 'repo:push', otherEvent: 'pullrequest:created', deletedRef: 'refs/heads/main', hmac: true, deliver: signedBitbucketDelivery, parse: bitbucket, signatureHeaders: ['x-hub-signature'], deliveryHeaders: ['x-request-uuid'] },
];

describe.each(providers)('$name deliveries', (p) => {
  const push = (over: Partial<DeliveryParams> = {}) => p.deliver({ secret, ref: 'refs/heads/main', sha, ...over });

  test('a signed push becomes a PushEvent', () => expect(p.parse(push({ deliveryId: 'd-1' }))).toEqual({ provider: p.provider, deliveryId: 'd-1', kind: 'push', eventName: p.pushEvent, ref: 'refs/heads/main', sha, deleted: false }));

  test.each([
    ['tag push', { ref: 'refs/tags/v1.2.0' }, { kind: 'push', ref: 'refs/tags/v1.2.0', sha, deleted: false }],
    ['ref deletion', { ref: p.deletedRef, sha: ZERO_SHA }, { kind: 'push', ref: p.deletedRef, sha: ZERO_SHA, deleted: true }],
    ['SHA-256 repository', { sha: 'ab'.repeat(32) }, { sha: 'ab'.repeat(32), deleted: false }],
  ])('%s', (_name, over, expected) => expect(p.parse(push(over))).toMatchObject(expected));

  test('another event type is answered as "other" without reading a commit', () => {
    expect(p.parse(push({ event: p.otherEvent, payload: { object_kind: 'pipeline' } }))).toMatchObject({ kind: 'other', eventName: p.otherEvent, ref: '', sha: '' });
  });

  const tamper = (d: Delivery, body: string): Delivery => ({ ...d, body });
  test.each<Rejection>([
    ['wrong secret', 'WEBHOOK_SIGNATURE_INVALID', () => p.parse(push({ secret: 'not-the-secret' }))],
    ['app without a secret', 'WEBHOOK_SIGNATURE_INVALID', () => p.parse(push(), '')],
    ['missing signature', 'WEBHOOK_SIGNATURE_MISSING', () => p.parse(without(push(), p.signatureHeaders))],
    ['empty signature (hook has no secret)', 'WEBHOOK_SIGNATURE_MISSING', () => p.parse({ ...push(), headers: { ...push().headers, ...Object.fromEntries(p.signatureHeaders.map((h) => [h, ''])) } })],
    ['missing delivery header', 'WEBHOOK_PAYLOAD_INVALID', () => p.parse(without(push(), p.deliveryHeaders))],
    ['correctly signed malformed JSON', 'WEBHOOK_PAYLOAD_INVALID', () => p.parse(push({ body: '{"ref": ' }))],
    ['correctly signed JSON that is not an object', 'WEBHOOK_PAYLOAD_INVALID', () => p.parse(push({ body: 'null' }))],
    ['non-hex sha (reaches git later)', 'WEBHOOK_PAYLOAD_INVALID', () => p.parse(push({ sha: '--upload-pack=touch /tmp/pwned' }))],
    ['abbreviated sha', 'WEBHOOK_PAYLOAD_INVALID', () => p.parse(push({ sha: sha.slice(0, 12) }))],
    ...(p.hmac ? [
      ['body tampered by one byte', 'WEBHOOK_SIGNATURE_INVALID', () => { const d = push(); return p.parse(tamper(d, d.body.replace(sha, `e${sha.slice(1)}`))); }],
      ['same JSON re-serialised with other whitespace', 'WEBHOOK_SIGNATURE_INVALID', () => { const d = push(); return p.parse(tamper(d, JSON.stringify(JSON.parse(d.body), null, 2))); }],
    ] satisfies Rejection[] : []),
  ])('%s → %s', (_name, expected, run) => expect(run).toThrow(code(expected)));
});

describe('GitLab specifics', () => {
  test('Idempotency-Key identifies the delivery, so a resend (new X-Gitlab-Event-UUID) is recognised', () => {
    const [first, resend] = [1, 2].map(() => signedGitlabDelivery({ secret, ref: 'refs/heads/main', sha, deliveryId: 'key-1' }));
    expect(first!.headers['x-gitlab-event-uuid']).not.toBe(resend!.headers['x-gitlab-event-uuid']);
    expect([gitlab(first!).deliveryId, gitlab(resend!).deliveryId]).toEqual(['key-1', 'key-1']);
  });
  test('before GitLab 17.4 (no Idempotency-Key) X-Gitlab-Event-UUID is the delivery id; X-Gitlab-Webhook-UUID never is', () => {
    const d = without(signedGitlabDelivery({ secret, ref: 'refs/heads/main', sha }), ['idempotency-key']);
    expect(gitlab(d).deliveryId).toBe(d.headers['x-gitlab-event-uuid']);
    expect(() => gitlab(without(d, ['x-gitlab-event-uuid']))).toThrow(code('WEBHOOK_PAYLOAD_INVALID'));
  });
  test('an annotated tag builds from checkout_sha (the commit), not after (the tag object)', () => {
    const payload = gitlabPushPayload({ ref: 'refs/tags/v2.0.0', sha: 'f'.repeat(40), checkoutSha: sha });
    expect(gitlab(signedGitlabDelivery({ secret, ref: 'refs/tags/v2.0.0', sha, payload }))).toMatchObject({ eventName: 'Tag Push Hook', ref: 'refs/tags/v2.0.0', sha });
  });
  test('a System Hook is not an app push', () => expect(gitlab(signedGitlabDelivery({ secret, ref: 'refs/heads/main', sha, event: 'System Hook' })).kind).toBe('other'));
});

describe('Gitea/Forgejo specifics', () => {
  test('a deleted branch arrives as a "delete" event with a bare ref and no commit', () => {
    const payload = { ref: 'feature', ref_type: 'branch', pusher_type: 'user', repository: { full_name: 'gitea/webhooks' }, sender: { login: 'gitea' } };
    expect(gitea(signedGiteaDelivery({ secret, ref: 'feature', sha, event: 'delete', payload }))).toMatchObject({ kind: 'other', eventName: 'delete' });
  });
  test('a bad X-Forgejo-Signature is not rescued by a valid X-Gitea-Signature', () => {
    const d = signedGiteaDelivery({ secret, ref: 'refs/heads/main', sha, forgejo: true });
    expect(() => gitea({ ...d, headers: { ...d.headers, 'x-forgejo-signature': 'ab'.repeat(32) } })).toThrow(code('WEBHOOK_SIGNATURE_INVALID'));
  });
});

describe('Bitbucket specifics', () => {
  const changes = [bitbucketChange({ ref: 'refs/tags/v1.0.0', sha }), bitbucketChange({ ref: 'refs/heads/feature', sha: 'a'.repeat(40) }), bitbucketChange({ ref: 'refs/heads/main', sha: 'b'.repeat(40) })];
  const deliver = (list: Array<Record<string, unknown>>) => signedBitbucketDelivery({ secret, ref: '', sha: '', payload: bitbucketPushPayload({ changes: list }) });
  test.each([
    ['the tracked branch among several changes', changes, 'main', { ref: 'refs/heads/main', sha: 'b'.repeat(40), deleted: false }],
    ['the first change when the tracked branch did not move', changes, 'release', { ref: 'refs/tags/v1.0.0', sha, deleted: false }],
    ['the tracked branch deleted (new: null, name from old)', [changes[1]!, bitbucketChange({ ref: 'refs/heads/main', sha: ZERO_SHA })], 'main', { ref: 'refs/heads/main', sha: ZERO_SHA, deleted: true }],
  ])('picks %s', (_name, list, branch, expected) => expect(bitbucket(deliver(list), secret, branch)).toMatchObject(expected));
  test('a push without changes is invalid', () => expect(() => bitbucket(deliver([]))).toThrow(code('WEBHOOK_PAYLOAD_INVALID')));
  test('diagnostics:ping (Bitbucket Data Center "Test connection") is a ping', () => expect(bitbucket(signedBitbucketDelivery({ secret, ref: '', sha: '', event: 'diagnostics:ping', payload: {} })).kind).toBe('ping'));
  test('X-Hook-UUID names the webhook, not the delivery, so it never stands in for X-Request-UUID', () => {
    const d = without(signedBitbucketDelivery({ secret, ref: 'refs/heads/main', sha }), ['x-request-uuid']);
    expect(d.headers['x-hook-uuid']).toBe(BITBUCKET_HOOK_UUID);
    expect(() => bitbucket(d)).toThrow(code('WEBHOOK_PAYLOAD_INVALID'));
  });
});

describe('generic deliveries', () => {
  const deliver = (over: Partial<Parameters<typeof genericDelivery>[0]> = {}) => genericDelivery({ secret, ref: 'main', sha, ...over });
  test.each([
    ['a bare branch name', 'main', 'refs/heads/main'],
    ['a nested bare branch name', 'feature/login', 'refs/heads/feature/login'],
    ['a full branch ref', 'refs/heads/main', 'refs/heads/main'],
    ['a tag ref', 'refs/tags/v1.0.0', 'refs/tags/v1.0.0'],
  ])('%s', (_name, ref, expected) => expect(generic(deliver({ ref, repo: 'https://git.example.com/acme/shop.git' }))).toMatchObject({ provider: 'generic', kind: 'push', eventName: 'push', ref: expected, sha, deleted: false }));
  test('an all-zero sha is a deletion', () => expect(generic(deliver({ sha: ZERO_SHA })).deleted).toBe(true));
  test('the delivery id comes from X-Slipway-Delivery when sent', () => expect(generic(deliver({ deliveryId: 'ci-run-42' })).deliveryId).toBe('ci-run-42'));
  test('otherwise it is the body digest: the same bytes again are the same delivery, another commit is not', () => {
    const [a, b, other] = [deliver(), deliver(), deliver({ sha: 'b'.repeat(40) })];
    expect(generic(a).deliveryId).toBe(`sha256:${createHash('sha256').update(a.body).digest('hex')}`);
    expect(generic(b).deliveryId).toBe(generic(a).deliveryId);
    expect(generic(other).deliveryId).not.toBe(generic(a).deliveryId);
  });
  test.each<Rejection>([
    ['missing path secret', 'WEBHOOK_SIGNATURE_MISSING', () => generic({ ...deliver(), pathSecret: '' })],
    ['wrong path secret', 'WEBHOOK_SIGNATURE_INVALID', () => generic(deliver({ secret: 'not-the-secret' }))],
    ['app without a secret', 'WEBHOOK_SIGNATURE_INVALID', () => generic(deliver(), '')],
    ['malformed JSON', 'WEBHOOK_PAYLOAD_INVALID', () => generic(deliver({ body: '{"ref": "main", ' }))],
    ['no sha', 'WEBHOOK_PAYLOAD_INVALID', () => generic(deliver({ body: '{"ref":"main"}' }))],
    ['non-hex sha', 'WEBHOOK_PAYLOAD_INVALID', () => generic(deliver({ sha: '--upload-pack=x' }))],
    ['uppercase sha', 'WEBHOOK_PAYLOAD_INVALID', () => generic(deliver({ sha: sha.toUpperCase() }))],
    ['no ref', 'WEBHOOK_PAYLOAD_INVALID', () => generic(deliver({ ref: '' }))],
    ...['main..evil', 'has space', 'refs/heads/', '.hidden', 'main.lock', 'a\u0000b', 'x@{1}'].map((ref) => [`ref ${JSON.stringify(ref)}`, 'WEBHOOK_PAYLOAD_INVALID', () => generic(deliver({ ref }))] satisfies Rejection),
    ['repo that is not a string', 'WEBHOOK_PAYLOAD_INVALID', () => generic(deliver({ body: JSON.stringify({ ref: 'main', sha, repo: 7 }) }))],
  ])('%s → %s', (_name, expected, run) => expect(run).toThrow(code(expected)));
});
