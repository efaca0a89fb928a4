import { randomUUID } from 'node:crypto';
import { createRequire } from 'node:module';
import { signHmac } from './sign.js';

const require = createRequire(import.meta.url);
// Real payloads as GitHub sends them (@octokit/webhooks-examples), not hand-written shapes.
const examples = require('@octokit/webhooks-examples/api.github.com/index.json') as Array<{ name: string; examples: Array<Record<string, unknown>> }>;

function example(event: string, pick: (e: Record<string, unknown>) => boolean = () => true): Record<string, unknown> {
  const found = examples.find((e) => e.name === event)?.examples.find(pick);
  if (!found) throw new Error(`no ${event} example in @octokit/webhooks-examples`);
  return structuredClone(found);
}

/** A real GitHub push payload with its ref, head commit and clone URL pointed at a local repo. */
export function pushPayload(params: { ref: string; sha: string; cloneUrl: string; deleted?: boolean }): Record<string, unknown> {
  const payload = example('push', (e) => typeof e.ref === 'string' && (e.ref as string).startsWith('refs/heads/'));
  const repository = payload.repository as Record<string, unknown>;
  return { ...payload, ref: params.ref, after: params.sha, deleted: params.deleted ?? false, repository: { ...repository, clone_url: params.cloneUrl } };
}

export function pingPayload(): Record<string, unknown> {
  return example('ping');
}

/** Headers and body of one signed delivery, as GitHub would send it. */
export function signedDelivery(params: { secret: string; event: string; payload: unknown; deliveryId?: string; body?: string }) {
  const body = params.body ?? JSON.stringify(params.payload);
  return {
    body,
    headers: {
      'content-type': 'application/json',
      'x-github-event': params.event,
      'x-github-delivery': params.deliveryId ?? randomUUID(),
      'x-hub-signature-256': `sha256=${signHmac({ secret: params.secret, body, algorithm: 'sha256' })}`,
      'user-agent': 'GitHub-Hookshot/test',
    },
  };
}
