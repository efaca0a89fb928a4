// The progressive rows of bench/rollout-detection (issue 18), on the REAL node: a bad canary and
// a bad blue-green preview, each on a fresh app whose release 1 is good and whose release 2 is
// the SAME image told by an env var to answer every page with 500 (Ready all the same: the
// readiness probe is a TCP connect, so only the verification's real requests can tell).
// Independent probers (traffic-prober.ts) ask the app's Services every ~100 ms throughout.
import { randomUUID } from 'node:crypto';
import type { KubeConfig } from '@kubernetes/client-node';
import type { Release } from '../../src/store/types.js';
import { endpointWindow, startEndpointPoller, startProber, trafficWindow, type ProbeSample, type Prober, type TrafficWindow, type Verdict } from './traffic-prober.js';

export const GOOD_BODY = 'bench web: ok';
export const BAD_BODY = 'bench web: 500 on purpose';
/** The app of both rows: answers GOOD_BODY, or (BENCH_FAIL=1) 500 with BAD_BODY to every page; exits on SIGTERM. */
export const WEB_SERVER =
  `const fail = process.env.BENCH_FAIL === '1'; process.on('SIGTERM', () => process.exit(0)); ` +
  `require('http').createServer((q, s) => { if (fail) { s.statusCode = 500; s.end('${BAD_BODY}'); } else s.end('${GOOD_BODY}'); })` +
  `.listen(Number(process.env.PORT || 8080), () => console.log('listening'))`;

/** Good answers in a row that say the stable release alone serves (2 s at ~100 ms). */
const CONFIRM_STREAK = 20;
const STREAK_TIMEOUT_MS = 60_000;

export interface RoundDeps {
  kc: KubeConfig;
  request<T>(params: { method: 'GET' | 'POST' | 'PUT'; url: string; payload?: object; expect: number }): Promise<T>;
  settled(params: { app: string; number: number }): Promise<Release>;
  /** Namespaces to delete at the end of the run. */
  namespaces: Set<string>;
  /** The WEB_SERVER image, by digest. */
  image: string;
}

export const verdict = (s: ProbeSample): Verdict =>
  s.status === 200 && s.body.startsWith(GOOD_BODY) ? 'good' : s.status === 500 && s.body.includes(BAD_BODY) ? 'bad' : 'other';

export interface CanaryResult {
  app: string;
  /** Release 2's rollout start (after its hooks). */
  startedAt: number;
  /** What the prober of the app's Service saw. */
  traffic: TrafficWindow;
  /** When the canary's pods were ready endpoints of the app's Service (EndpointSlice poll). */
  endpoints: { inAt?: number; goneAt?: number };
  /** The canary's share at the failed step (replica ratio), and its pods. */
  share: number;
  replicas: { release: number; stable: number };
  verification: { startedAt: number; finishedAt: number; requests: number; failed: number };
  detectedAt: number;
  settledAt: number;
  reason: string;
  configReverted: boolean;
}

export interface BlueGreenResult {
  app: string;
  startedAt: number;
  /** The app's (active) Service: it must never have answered from release 2. */
  active: TrafficWindow;
  /** The preview Service: when release 2's pods first answered 500 there. */
  preview: TrafficWindow;
  verification: { startedAt: number; finishedAt: number; requests: number; failed: number };
  detectedAt: number;
  settledAt: number;
  reason: string;
  switched: boolean;
}

/** A fresh app on `strategy` with a good release 1 of 2 replicas, current. */
async function goodApp(deps: RoundDeps, strategy: Record<string, unknown>): Promise<string> {
  const app = `bench-rd-${randomUUID().slice(0, 8)}`;
  deps.namespaces.add(app);
  await deps.request({ method: 'POST', url: '/apps', payload: { name: app, repo: 'https://github.com/acme/shop.git' }, expect: 201 });
  await deps.request({ method: 'PUT', url: `/apps/${app}/strategy`, payload: { strategy }, expect: 200 });
  const first = await deps.request<Release>({ method: 'POST', url: `/apps/${app}/releases`, payload: { image: deps.image, deploy: { replicas: 2, env: { BENCH_FAIL: '0' } } }, expect: 202 });
  const release1 = await deps.settled({ app, number: first.number });
  if (release1.status !== 'current') throw new Error(`release 1 of ${app} should have become current, it is ${release1.status}: ${JSON.stringify(release1.failure ?? null)}`);
  return app;
}

/** Release 2: the same image, every page answering 500; settled, failed and rolled back to a ready release 1. */
async function badRelease(deps: RoundDeps, app: string, expectReason: string): Promise<Release> {
  const second = await deps.request<Release>({ method: 'POST', url: `/apps/${app}/releases`, payload: { image: deps.image, deploy: { env: { BENCH_FAIL: '1' } } }, expect: 202 });
  if (second.number !== 2) throw new Error(`expected release 2 of ${app}, got ${second.number}`);
  const release2 = await deps.settled({ app, number: 2 });
  if (release2.status !== 'failed' || !release2.failure || !release2.rolledBackTo || !release2.startedAt) {
    throw new Error(`release 2 of ${app} should have failed and been rolled back; it is ${release2.status}: ${JSON.stringify(release2.failure ?? null)}`);
  }
  if (release2.failure.reason !== expectReason) throw new Error(`release 2 of ${app} failed as ${release2.failure.reason}, expected ${expectReason}: ${release2.failure.message}`);
  if (!release2.rolledBackTo.ready || release2.rolledBackTo.number !== 1) throw new Error(`release 2 of ${app} was not rolled back to a ready release 1: ${JSON.stringify(release2.rolledBackTo)}`);
  if (release2.progress?.phase !== 'aborted') throw new Error(`release 2 of ${app} ended in phase ${release2.progress?.phase ?? 'none'}, expected aborted`);
  return release2;
}

function verificationTimes(release: Release): CanaryResult['verification'] {
  const v = release.verification;
  if (!v || v.state !== 'failed' || !v.startedAt || !v.finishedAt) throw new Error(`release ${release.app}#${release.number} has no failed verification: ${JSON.stringify(v ?? null)}`);
  return { startedAt: Date.parse(v.startedAt), finishedAt: Date.parse(v.finishedAt), requests: v.requests ?? 0, failed: v.failed ?? 0 };
}

async function stopAll(probers: Prober[]): Promise<void> {
  for (const p of probers) await p.stop();
}

/**
 * A bad canary: Canary steps [50, 100], pause 0, 2 replicas, so step 1 runs 1 canary pod beside
 * 1 stable pod (50% of the Service's endpoints). The prober keeps asking until 20 good answers in
 * a row after Slipway settled the release.
 */
export async function canaryRound(deps: RoundDeps): Promise<CanaryResult> {
  const app = await goodApp(deps, { type: 'Canary', steps: [50, 100], pauseSeconds: 0 });
  const prober = startProber({ kc: deps.kc, namespace: app, service: app, verdict });
  const endpoints = startEndpointPoller({ kc: deps.kc, namespace: app, service: app, side: `${app}-r2` });
  try {
    await prober.goodStreak({ count: 10, timeoutMs: STREAK_TIMEOUT_MS });
    const release2 = await badRelease(deps, app, 'VerificationFailed');
    await prober.goodStreak({ count: CONFIRM_STREAK, timeoutMs: STREAK_TIMEOUT_MS });
    await prober.stop();
    await endpoints.stop();
    const analysis = release2.progress!.analyses[0];
    if (!analysis) throw new Error(`release 2 of ${app} failed with no step analysis recorded`);
    const settledApp = await deps.request<{ deploy: { env: Record<string, string> } }>({ method: 'GET', url: `/apps/${app}`, expect: 200 });
    return {
      app,
      startedAt: Date.parse(release2.startedAt!),
      traffic: trafficWindow(prober.samples, verdict),
      endpoints: endpointWindow(endpoints.samples),
      share: analysis.share,
      replicas: analysis.replicas,
      verification: verificationTimes(release2),
      detectedAt: Date.parse(release2.failure!.detectedAt),
      settledAt: Date.parse(release2.rolledBackTo!.settledAt),
      reason: release2.failure!.reason,
      configReverted: settledApp.deploy.env.BENCH_FAIL === '0',
    };
  } finally {
    await stopAll([prober]);
    await endpoints.stop();
  }
}

/**
 * A bad blue-green release: 2 replicas; release 2 comes up at full scale behind `<app>-preview`
 * and its verification fails. One prober on the app's Service (it must never see release 2),
 * one on the preview Service (when release 2's 500s became visible).
 */
export async function blueGreenRound(deps: RoundDeps): Promise<BlueGreenResult> {
  const app = await goodApp(deps, { type: 'BlueGreen' });
  const active = startProber({ kc: deps.kc, namespace: app, service: app, verdict });
  const preview = startProber({ kc: deps.kc, namespace: app, service: `${app}-preview`, verdict });
  try {
    await active.goodStreak({ count: 10, timeoutMs: STREAK_TIMEOUT_MS });
    const release2 = await badRelease(deps, app, 'VerificationFailed');
    await active.goodStreak({ count: CONFIRM_STREAK, timeoutMs: STREAK_TIMEOUT_MS });
    await stopAll([active, preview]);
    return {
      app,
      startedAt: Date.parse(release2.startedAt!),
      active: trafficWindow(active.samples, verdict),
      preview: trafficWindow(preview.samples, verdict),
      verification: verificationTimes(release2),
      detectedAt: Date.parse(release2.failure!.detectedAt),
      settledAt: Date.parse(release2.rolledBackTo!.settledAt),
      reason: release2.failure!.reason,
      switched: Boolean(release2.progress?.switchedAt),
    };
  } finally {
    await stopAll([active, preview]);
  }
}
