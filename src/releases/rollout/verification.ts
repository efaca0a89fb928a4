// Release verification by real traffic, the judging half: what to send, and what the answers
// mean. Pure; verify-release.ts sends the requests through the API server's pod proxy.
import { VERIFY_DEFAULTS } from '../../store/schemas/deploy-config.js';
import type { DeployConfig, Verification } from '../../store/types.js';
import type { PodProblem } from './workload-status.js';

/** How a release is verified, with every default filled in. */
export interface VerifyPlan {
  path: string;
  port: number;
  requests: number;
  maxFailedPercent: number;
  timeoutSeconds: number;
}

/** What one request came to: an HTTP status, or no answer (`timeout`, `unreachable`, another error). */
export interface Sample {
  pod: string;
  ms: number;
  status?: number;
  error?: 'timeout' | 'unreachable' | string;
  /** The start of a failed answer's body, for the failure reason. */
  body?: string;
}

/**
 * The plan for a release, or why it is not verified. The app's `verify` wins; without one the
 * install decides (SLIPWAY_VERIFY_RELEASES). The path: the app's verify path, else `/` — not the
 * readiness path, which is often a cheap health answer that says nothing of whether the app works. `replicas` is the app's scale now (the release's config may be older).
 */
export function verifyPlan(params: { config: DeployConfig; port: number; replicas: number; installDefault: boolean }): VerifyPlan | { off: string } {
  const { config, port, installDefault } = params;
  const spec = config.verify;
  if (spec && !spec.enabled) return { off: 'verification is off for this app (deploy.verify.enabled: false)' };
  if (!spec && !installDefault) return { off: 'verification is off for this install (SLIPWAY_VERIFY_RELEASES=false) and the app does not turn it on' };
  if (params.replicas === 0) return { off: 'the app is scaled to 0: no pod to verify' };
  return {
    path: spec?.path ?? '/',
    port,
    requests: spec?.requests ?? VERIFY_DEFAULTS.requests,
    maxFailedPercent: spec?.maxFailedPercent ?? VERIFY_DEFAULTS.maxFailedPercent,
    timeoutSeconds: spec?.timeoutSeconds ?? VERIFY_DEFAULTS.timeoutSeconds,
  };
}

/** A 5xx, a timeout or no way to the pod: a failed request. 4xx is the app's answer (an API without `/`). */
export function isFailure(sample: Sample): boolean {
  return sample.status === undefined || sample.status >= 500;
}

/** How many failed requests the plan tolerates: more than maxFailedPercent of them fails the release. */
export function allowedFailures(plan: Pick<VerifyPlan, 'requests' | 'maxFailedPercent'>): number {
  return Math.floor((plan.requests * plan.maxFailedPercent) / 100);
}

/** True once the samples so far decide the verdict: too many failures already, or every request sent. */
export function verdictReached(samples: Sample[], plan: VerifyPlan): boolean {
  return samples.filter(isFailure).length > allowedFailures(plan) || samples.length >= plan.requests;
}

/** The nearest-rank percentile of sorted values (0 for none). */
export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1]!;
}

/** The record of a verification from its samples: counts, statuses, latency percentiles and the verdict. */
export function judgeVerification(params: { plan: VerifyPlan; samples: Sample[]; pods: string[]; startedAt: string; finishedAt: string }): Verification {
  const { plan, samples, pods } = params;
  const failures = samples.filter(isFailure);
  const statuses: Record<string, number> = {};
  for (const s of samples) if (s.status !== undefined) statuses[String(s.status)] = (statuses[String(s.status)] ?? 0) + 1;
  const timeouts = samples.filter((s) => s.error === 'timeout').length;
  const unreachable = samples.filter((s) => s.error === 'unreachable').length;
  const answered = samples
    .filter((s) => s.status !== undefined)
    .map((s) => s.ms)
    .sort((a, b) => a - b);
  const round = (n: number) => Math.round(n * 10) / 10;
  const latencyMs = { p50: round(percentile(answered, 50)), p90: round(percentile(answered, 90)), p99: round(percentile(answered, 99)), max: round(answered.at(-1) ?? 0) };
  const passed = samples.length > 0 && failures.length <= allowedFailures(plan);
  const first = failures[0];
  const what = `GET ${plan.path} on port ${plan.port}`;
  const counts = Object.entries(statuses)
    .sort(([a], [b]) => Number(a) - Number(b))
    .map(([status, n]) => `${status} ×${n}`);
  if (timeouts) counts.push(`timed out ×${timeouts}`);
  if (unreachable) counts.push(`pod unreachable ×${unreachable}`);
  const others = failures.length - timeouts - unreachable - failures.filter((s) => s.status !== undefined).length;
  if (others) counts.push(`error ×${others}`);
  const share = `${failures.length} of ${samples.length} failed (5xx, timeout or unreachable; at most ${plan.maxFailedPercent}% of ${plan.requests} allowed)`;
  const latency = answered.length ? `; p50 ${latencyMs.p50} ms, p99 ${latencyMs.p99} ms` : '';
  const message = samples.length === 0 ? `verification sent no request: no ready pod of the release to ask` : `${what}: ${counts.join(', ')}; ${share}${latency}`;
  return {
    state: passed ? 'passed' : 'failed',
    message,
    path: plan.path,
    port: plan.port,
    requests: samples.length,
    failed: failures.length,
    maxFailedPercent: plan.maxFailedPercent,
    statuses,
    timeouts,
    unreachable,
    latencyMs,
    pods,
    ...(first
      ? { firstFailure: { pod: first.pod, ...(first.status !== undefined ? { status: first.status } : {}), ...(first.error ? { error: first.error } : {}), ...(first.body ? { body: first.body } : {}) } }
      : {}),
    startedAt: params.startedAt,
    finishedAt: params.finishedAt,
  };
}

/** The failure's pod entry for a failed verification: the first failed request's pod, status and the start of its body. */
export function verificationProblems(v: Verification): PodProblem[] {
  const f = v.firstFailure;
  if (!f) return [];
  const answer = f.status !== undefined ? `HTTP ${f.status}` : (f.error ?? 'failed');
  return [{ pod: f.pod, reason: 'VerificationFailed', message: f.body ? `${answer}: ${f.body.slice(0, 200)}` : answer }];
}
