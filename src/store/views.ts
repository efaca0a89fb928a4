// Shapes the API answers with that are not stored records (those are in src/store/types.ts),
// each the static type of its JSON Schema in src/store/schemas/views.ts.
// Type-only imports: the dashboard (web/) reads these types too.
import type { Static } from 'typebox';
import type {
  appHealthSchema,
  appStatusSchema,
  buildSecretSummarySchema,
  healthStateSchema,
  hookReplySchema,
  podHealthSchema,
  provisionedDatabaseSchema,
  volumeViewSchema,
} from './schemas/views.js';
import type { Verification } from './types.js';

export type HealthState = Static<typeof healthStateSchema>;
export type PodHealth = Static<typeof podHealthSchema>;
export type AppHealth = Static<typeof appHealthSchema>;
/** GET /apps/:app/status: the app's health with the release that should be running. */
export type AppStatus = Static<typeof appStatusSchema>;
/** GET /databases: one workload a template provisioned. */
export type ProvisionedDatabase = Static<typeof provisionedDatabaseSchema>;
/** The answer to every webhook delivery: a build id, or the reason nothing was built. */
export type HookReply = Static<typeof hookReplySchema>;
/** A build secret as the API shows it: never the value, only a fingerprint to tell versions apart. */
export type BuildSecretSummary = Static<typeof buildSecretSummarySchema>;
/** An app volume with the claim it mounts. */
export type VolumeView = Static<typeof volumeViewSchema>;

/**
 * A release's verification in one line, as the CLI and the dashboard show it:
 * `passed: 200 ×20, p50 3 ms p99 9 ms` · `failed: 500 ×3 of 3 (at most 10%)` · `off: <why>`.
 */
export function verificationSummary(v: Verification | undefined): string {
  if (!v) return 'not verified';
  if (v.state === 'off') return `off: ${v.message}`;
  const counts = verificationCounts(v, ' ×');
  const latency = v.latencyMs && Object.keys(v.statuses ?? {}).length ? `, p50 ${v.latencyMs.p50} ms p99 ${v.latencyMs.p99} ms` : '';
  const share = v.state === 'failed' ? ` (${v.failed ?? 0} of ${v.requests ?? 0} failed, at most ${v.maxFailedPercent ?? 0}% allowed)` : '';
  return `${v.state}: GET ${v.path ?? '/'} ${counts.join(', ') || 'no answer'}${share}${latency}`;
}

/** What a verification's answers were, counted: `200 ×18`, `500 ×2`, `timeout ×1`, `unreachable ×1` (`times` between). */
export function verificationCounts(v: Verification, times: string): string[] {
  const counts = Object.entries(v.statuses ?? {}).map(([status, n]) => `${status}${times}${n}`);
  if (v.timeouts) counts.push(`timeout${times}${v.timeouts}`);
  if (v.unreachable) counts.push(`unreachable${times}${v.unreachable}`);
  return counts;
}
