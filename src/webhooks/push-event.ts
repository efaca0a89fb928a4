import { isZeroSha } from '../git/commit-id.js';
import type { App } from '../store/types.js';

/** What every provider's delivery is normalised to. */
export interface PushEvent {
  provider: string;
  deliveryId: string;
  /** `push` is buildable; anything else (`ping`, other event types) is answered and ignored. */
  kind: 'push' | 'ping' | 'other';
  eventName: string;
  ref: string;
  sha: string;
  deleted: boolean;
}

export type PushDecision = { build: true; branch: string } | { build: false; reason: string };

/** Whether a delivery should build the app. Every "no" carries the reason the sender sees. */
export function decidePush(app: App, event: PushEvent): PushDecision {
  if (event.kind === 'ping') return { build: false, reason: 'ping' };
  if (event.kind !== 'push') return { build: false, reason: `event "${event.eventName}" is not a push` };
  if (event.ref.startsWith('refs/tags/')) return { build: false, reason: 'tag push' };
  if (!event.ref.startsWith('refs/heads/')) return { build: false, reason: `ref "${event.ref}" is not a branch` };
  if (event.deleted || isZeroSha(event.sha)) return { build: false, reason: 'branch deleted' };
  const branch = event.ref.slice('refs/heads/'.length);
  if (!(app.branches ?? [app.branch]).some((pattern) => branchPattern(pattern).test(branch))) return { build: false, reason: 'branch not tracked' };
  return { build: true, branch };
}

/** A branch filter as a regex: `*` within a path segment, `**` across segments, the rest literal. */
export function branchPattern(pattern: string): RegExp {
  const source = pattern
    .split('**')
    .map((part) => part.split('*').map((literal) => literal.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('[^/]*'))
    .join('.*');
  return new RegExp(`^${source}$`);
}
