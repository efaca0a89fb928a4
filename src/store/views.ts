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
import type { dryRunSchema, fieldChangeSchema, objectChangeSchema } from './schemas/dry-run.js';
import type { repoCredentialSummarySchema } from './schemas/repo-credential.js';
import type { routeListSchema } from './schemas/route-views.js';
import type { autoscaleStatusSchema } from './schemas/autoscale-status.js';
import type { Progress, Release, StepAnalysis, Verification } from './types.js';

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
/** issue 19: an app's repo credential as the API shows it: kind, fingerprint, public parts, never the secret. */
export type RepoCredentialView = Static<typeof repoCredentialSummarySchema>;
/** An app volume with the claim it mounts. */
export type VolumeView = Static<typeof volumeViewSchema>;
/** A dry run's answer (src/releases/dry-run.ts): the manifests a change would apply and the diff against the live objects. */
export type DryRunView = Static<typeof dryRunSchema>;
export type ObjectChange = Static<typeof objectChangeSchema>;
export type FieldChange = Static<typeof fieldChangeSchema>;

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

/**
 * True while a blue-green or canary rollout takes `slipway promote` and `slipway abort`: the
 * release is deploying and not yet aborted or done, or it is current and its blue-green
 * predecessor is still scaled (the scale-down window). The CLI and the dashboard offer the
 * commands only then; the API decides for itself (releases/command-rollout.ts).
 */
export function rolloutInFlight(release: Release): boolean {
  const phase = release.progress?.phase;
  if (!phase) return false;
  return (release.status === 'deploying' && phase !== 'aborted' && phase !== 'done') || (release.status === 'current' && phase === 'scaling-down');
}

/**
 * A blue-green or canary rollout in lines a person reads, as the CLI and the dashboard show it:
 * first where it stands (`canary step 2/3: 50% of traffic on release 7 (2 of 4 pods), paused
 * until 10:42:05 UTC; stable release 6`), then one line per analysis (`step 1 (10% asked, 25% by
 * replicas): passed — 1/1 pods ready, 0 restarts; verification passed: GET / 200 ×20`).
 * Empty for a release rolled out any other way.
 */
export function rolloutSummary(release: Release): string[] {
  const progress = release.progress;
  if (!progress) return [];
  const headline = progress.strategy === 'Canary' ? canaryHeadline(release, progress) : blueGreenHeadline(release, progress);
  return [headline, ...progress.analyses.map((a) => analysisLine(progress, a))];
}

/** `10:42:05 UTC` of an ISO timestamp: the time of day is what a person waiting needs. */
const clock = (iso: string | undefined) => (iso ? `${iso.slice(11, 19)} UTC` : 'a time not recorded');
const stableName = (progress: Progress) => (progress.stable === undefined ? 'the stable release' : `release ${progress.stable}`);
const aborted = (release: Release) => (release.failure ? ` (${release.failure.reason})` : '');

function canaryHeadline(release: Release, progress: Progress): string {
  const { step, steps, share, replicas } = progress;
  const n = release.number;
  const stable = stableName(progress);
  const stableTail = progress.stable === undefined ? '' : `; stable release ${progress.stable}`;
  const where = `canary step ${step}/${steps.length}`;
  const traffic = `${share}% of traffic on release ${n} (${replicas.release} of ${replicas.release + replicas.stable} pods)`;
  switch (progress.phase) {
    case 'starting':
      return `canary: starting beside ${stable}, steps ${steps.map((s) => `${s}%`).join(' → ')}`;
    case 'analysing':
      return `${where}: ${steps[step - 1] ?? 100}% asked, analysing; ${traffic}${stableTail}`;
    case 'paused':
      return `${where}: ${traffic}, paused until ${clock(progress.pausedUntil)}${stableTail}`;
    case 'awaiting-promotion':
      return `${where}: ${traffic}, waiting for slipway promote${stableTail}`;
    case 'aborted':
      return `canary aborted at step ${step}${aborted(release)}: all traffic back on ${stable}`;
    default:
      // promoted, done (and scaling-down, which a canary never has): all traffic moved.
      return `canary promoted after ${steps.length} steps: all traffic on release ${n} (${replicas.release} pods); ${stable} scaled to 0`;
  }
}

function blueGreenHeadline(release: Release, progress: Progress): string {
  const n = release.number;
  const stable = stableName(progress);
  switch (progress.phase) {
    case 'starting':
    case 'analysing':
      return `blue-green: preview of release ${n} starting and being verified (${progress.replicas.release} pods); ${stable} serves`;
    case 'paused':
    case 'awaiting-promotion':
      return `blue-green: preview of release ${n} ready, waiting for slipway promote; ${stable} serves`;
    case 'promoted':
      return `blue-green: switched to release ${n}${progress.switchedAt ? ` at ${clock(progress.switchedAt)}` : ''}`;
    case 'scaling-down':
      return `blue-green: switched to release ${n}; ${stable} stays scaled until ${clock(progress.scaleDownAt)} for slipway abort`;
    case 'done':
      return `blue-green: switched to release ${n}; ${stable} scaled down`;
    case 'aborted':
      return progress.switchedAt
        ? `blue-green aborted after the switch${aborted(release)}: all traffic back on ${stable}`
        : `blue-green aborted before the switch${aborted(release)}: release ${n} never took traffic; ${stable} serves`;
  }
}

/**
 * One analysis: what it asked and got, its verdict, the pods' health, and the verification in
 * verificationSummary's words (the analysis message's own verification part is replaced by it).
 */
function analysisLine(progress: Progress, a: StepAnalysis): string {
  const label = progress.strategy === 'BlueGreen' ? 'preview' : `step ${a.step} (${a.weight}% asked, ${a.share}% ${progress.gateway ? `by route weight at ${progress.gateway}` : 'by replicas'})`;
  if (a.state === 'running') return `${label}: running`;
  const health = a.message
    .split('; ')
    .filter((part) => !part.startsWith('verification'))
    .join('; ');
  const verified = a.verification ? `verification ${verificationSummary(a.verification)}` : '';
  return `${label}: ${a.state} — ${[health, verified].filter(Boolean).join('; ')}`;
}
/** issue 19: GET /apps/:app/routes: every host and path the app is reached by, with its host's TLS, and the IngressClass. */
export type RouteList = Static<typeof routeListSchema>;
/** An app's HorizontalPodAutoscaler as the cluster reports it (GET /apps/:app/autoscale/status). */
export type AutoscaleStatus = Static<typeof autoscaleStatusSchema>;
