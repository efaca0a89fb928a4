import { WebhookError } from '../errors.js';
import type { PushEvent } from './push-event.js';
import { verifyHmac } from './signature.js';

type Headers = Record<string, string | string[] | undefined>;

function header(headers: Headers, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/**
 * GitHub: `X-Hub-Signature-256: sha256=<hex HMAC of the raw body>`, event type in
 * `X-GitHub-Event`, delivery id in `X-GitHub-Delivery` (the same on redelivery).
 */
export function parseGithubDelivery(params: { headers: Headers; body: Buffer; secret: string }): PushEvent {
  const { headers, body, secret } = params;
  const signature = header(headers, 'x-hub-signature-256');
  if (!signature) throw new WebhookError('WEBHOOK_SIGNATURE_MISSING', 'X-Hub-Signature-256 header is missing');
  if (!verifyHmac({ secret, body, header: signature, algorithm: 'sha256', prefixed: true })) {
    throw new WebhookError('WEBHOOK_SIGNATURE_INVALID', 'X-Hub-Signature-256 does not match the body');
  }
  const eventName = header(headers, 'x-github-event') ?? '';
  const deliveryId = header(headers, 'x-github-delivery') ?? '';
  if (!eventName || !deliveryId) {
    throw new WebhookError('WEBHOOK_PAYLOAD_INVALID', 'X-GitHub-Event and X-GitHub-Delivery headers are required');
  }
  let payload: { ref?: unknown; after?: unknown; deleted?: unknown };
  try {
    payload = JSON.parse(body.toString('utf8'));
  } catch {
    throw new WebhookError('WEBHOOK_PAYLOAD_INVALID', 'body is not valid JSON');
  }
  const kind = eventName === 'push' ? 'push' : eventName === 'ping' ? 'ping' : 'other';
  if (kind === 'push' && (typeof payload.ref !== 'string' || typeof payload.after !== 'string' || !/^[0-9a-f]{40,64}$/.test(payload.after))) {
    throw new WebhookError('WEBHOOK_PAYLOAD_INVALID', 'push payload needs "ref" and a hex "after" commit id');
  }
  return {
    provider: 'github',
    deliveryId,
    kind,
    eventName,
    ref: typeof payload.ref === 'string' ? payload.ref : '',
    sha: typeof payload.after === 'string' ? payload.after : '',
    deleted: payload.deleted === true,
  };
}
