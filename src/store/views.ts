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
import type { Release, Verification } from './types.js';

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

/**
 * Why the app runs the release it runs when `failed` was rolled back, in one line, as the CLI
 * and the dashboard say it: `runs release 4 — release 5 failed (CrashLoopBackOff: ...) and was
 * rolled back; reverted: env FOO removed; pruned: Ingress web`. Undefined for a release that was
 * not rolled back.
 */
export function rollbackSummary(failed: Release): string | undefined {
  const back = failed.rolledBackTo;
  if (!back) return undefined;
  const why = failed.failure ? ` (${failed.failure.reason}: ${failed.failure.message})` : '';
  const notReady = back.ready ? '' : ` (release ${back.number} is not ready either: ${back.message})`;
  return [`runs release ${back.number} — release ${failed.number} failed${why} and was rolled back${notReady}`, ...rollbackAftermath(failed)].join('; ');
}

/** What an automatic rollback did besides re-applying: `reverted: ...`, `config kept: ...`, `pruned: ...`, `pruning failed: ...`. */
export function rollbackAftermath(failed: Release): string[] {
  const back = failed.rolledBackTo;
  if (!back) return [];
  const parts: string[] = [];
  if (back.reverted?.length) parts.push(`reverted: ${back.reverted.join(', ')}`);
  if (back.configKept) parts.push(`config kept: ${back.configKept}`);
  if (back.pruned?.length) parts.push(`pruned: ${back.pruned.join(', ')}`);
  if (back.pruneError) parts.push(`pruning failed: ${back.pruneError}`);
  return parts;
}

/**
 * The newest release after the current one that failed and was rolled back to it: the reason
 * the app runs `current` rather than something newer. `releases` newest first.
 */
export function rolledBackOnto(releases: Release[], current: number | null | undefined): Release | undefined {
  if (current === null || current === undefined) return undefined;
  return releases.find((r) => r.number > current && r.status === 'failed' && r.rolledBackTo?.number === current);
}
