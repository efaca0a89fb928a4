import { createHash } from 'node:crypto';
import { WebhookError } from '../errors.js';
import { COMMIT_ID, isZeroSha } from '../git/commit-id.js';
import { header, type Headers, invalidPayload, parseObject, sameSecret } from './delivery.js';
import type { PushEvent } from './push-event.js';

/**
 * What `git check-ref-format` refuses: control characters and space, `~ ^ : ? * [ \`, `..`, `@{`,
 * empty components, components starting with `.`, a trailing `/` or `.`, and `.lock`.
 */
const BAD_REF = /[\x00-\x20\x7f~^:?*[\\]|\.\.|@\{|\/\/|\/\.|\/$|\.$|\.lock$/;

const invalid = invalidPayload;

/**
 * Generic hook for any CI or script: `POST /hooks/generic/:app/:secret` with `{ ref, sha, repo? }`.
 * The secret travels in the URL path, so there is nothing to sign the body with; the path secret is
 * compared in constant time like a GitLab token. `ref` may be a full ref or a bare branch name.
 * Nothing vouches for `sha`: receivePush builds it only if it is on the app's branch.
 */
export function parseGenericDelivery(params: { headers: Headers; body: Buffer; pathSecret: string; secret: string }): PushEvent {
  const { headers, body, pathSecret, secret } = params;
  if (!pathSecret) throw new WebhookError('WEBHOOK_SIGNATURE_MISSING', 'the hook URL has no secret');
  if (!sameSecret(pathSecret, secret)) throw new WebhookError('WEBHOOK_SIGNATURE_INVALID', 'the hook URL secret does not match');

  const { ref: rawRef, sha, repo } = parseObject(body);
  if (typeof rawRef !== 'string' || rawRef === '') throw invalid('"ref" must be a branch name or a full ref');
  if (typeof sha !== 'string' || !COMMIT_ID.test(sha)) throw invalid('"sha" must be a 40 or 64 character lowercase hex commit id');
  if (repo !== undefined && typeof repo !== 'string') throw invalid('"repo" must be a string when given');
  // A bare name is a branch ("main"). Either way the ref starts with "refs/", so git can never read
  // it as an option ("--upload-pack=...").
  const ref = rawRef.startsWith('refs/') ? rawRef : `refs/heads/${rawRef}`;
  if (BAD_REF.test(ref)) throw invalid(`"ref" ${JSON.stringify(rawRef)} is not a valid git ref`);

  // Without a delivery header the id is the body's digest: a client retrying the same POST sends the
  // same bytes and is recognised, while a new commit changes "sha" and so the id.
  const deliveryId = header(headers, 'x-slipway-delivery') || `sha256:${createHash('sha256').update(body).digest('hex')}`;
  return { provider: 'generic', deliveryId, kind: 'push', eventName: 'push', ref, sha, deleted: isZeroSha(sha) };
}
