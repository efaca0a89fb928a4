// How bench/rollout-detection prints its progressive rows: one line per round, then medians with
// what Argo Rollouts would do in the same case written beside them (expectations from its docs,
// not measured here: no Argo controller runs in this environment).
import { median, ms } from './numbers.js';
import type { BlueGreenResult, CanaryResult } from './progressive-rounds.js';
import type { ProbeSample } from './traffic-prober.js';

/** Argo Rollouts' figures for the same failures, as its documentation describes the mechanisms. */
const ARGO = {
  canaryDecision: 'Argo: ~10-20 s (AnalysisTemplate web metric, interval: 10s, failureLimit: 1: aborts at the 2nd failed measurement)',
  canaryBack: 'Argo basic canary: the abort at ~10-20 s, then a rolling update back to stable (canary pods go as stable pods come)',
  bgDecision: 'Argo prePromotionAnalysis: when a measurement exceeds failureLimit, at most interval x count (10s x 3: 30 s)',
  bgActive: 'Argo: 0 (activeService is switched only after a successful analysis)',
} as const;

const plus = (at: number | undefined, from: number) => (at === undefined ? 'not seen' : `+${ms(at - from)}`);

const other = (s: ProbeSample | undefined, from: number) => (s ? ` (first ${plus(s.at, from)}: ${s.status} ${s.body.slice(0, 100).replace(/\s+/g, ' ')})` : '');

export function printCanaryRound(i: number, r: CanaryResult): void {
  const t = r.traffic;
  const back = t.backAt ? `traffic back on release 1 ${plus(t.backAt.at, r.startedAt)} (${t.goodAfter} good answers after, ${t.otherAfter} others)` : 'the prober saw no 500 from the canary';
  console.log(
    `round ${i} canary (${r.app}; step 1: ${r.replicas.release} canary + ${r.replicas.stable} stable pods = ${r.share}%), from release 2 applied: ` +
      `first 500 seen ${plus(t.firstBad?.at, r.startedAt)}; verification ${plus(r.verification.startedAt, r.startedAt)}..${plus(r.verification.finishedAt, r.startedAt)} ` +
      `(${r.verification.failed}/${r.verification.requests} failed); decision ${plus(r.detectedAt, r.startedAt)} (${r.reason}); last 500 ${plus(t.lastBad?.at, r.startedAt)}; ${back}; ` +
      `canary pods in the Service's endpoints ${plus(r.endpoints.inAt, r.startedAt)}..${plus(r.endpoints.goneAt, r.startedAt)}; release 1 ready at full scale ${plus(r.settledAt, r.startedAt)}; prober: ${t.bad}/${t.answers} answers from release 2, ${t.other} neither${other(t.firstOther, r.startedAt)}; config reverted: ${r.configReverted}`,
  );
}

export function printBlueGreenRound(i: number, r: BlueGreenResult): void {
  const a = r.active;
  console.log(
    `round ${i} blue-green (${r.app}), from release 2 applied: first 500 on ${r.app}-preview ${plus(r.preview.firstBad?.at, r.startedAt)}; ` +
      `verification ${plus(r.verification.startedAt, r.startedAt)}..${plus(r.verification.finishedAt, r.startedAt)} (${r.verification.failed}/${r.verification.requests} failed); ` +
      `decision ${plus(r.detectedAt, r.startedAt)} (${r.reason}); release 1 settled ${plus(r.settledAt, r.startedAt)}; ` +
      `active Service ${r.app}: ${a.bad} answers from release 2 and ${a.other} neither${other(a.firstOther, r.startedAt)}, of ${a.answers}; switched: ${r.switched}`,
  );
}

/** The median of the values present, or undefined when no round has one. */
function medianOf(values: Array<number | undefined>): number | undefined {
  const present = values.filter((v): v is number => v !== undefined);
  return present.length ? median(present) : undefined;
}

function row(label: string, value: number | string | undefined, beside: string): void {
  const shown = typeof value === 'number' ? ms(value) : (value ?? 'not seen');
  console.log(`  ${label.padEnd(80)}${shown.padEnd(16)}${beside}`);
}

export function printProgressiveRows(params: { canary: CanaryResult[]; blueGreen: BlueGreenResult[] }): void {
  const { canary, blueGreen } = params;
  if (canary.length) {
    const seen = canary.filter((r) => r.traffic.firstBad).length;
    console.log(`\nprogressive rows, median of ${canary.length} round(s) (release 2 answers 500 to every page; probers every ~100 ms through the API server's service proxy)`);
    row(
      `canary: first 500 seen → every answer from release 1 after (${seen}/${canary.length} saw a 500)`,
      medianOf(canary.map((r) => (r.traffic.firstBad && r.traffic.backAt ? r.traffic.backAt.at - r.traffic.firstBad.at : undefined))),
      ARGO.canaryBack,
    );
    row(
      'canary: first 500 seen → canary pods out of the Service (EndpointSlice poll)',
      medianOf(canary.map((r) => (r.traffic.firstBad && r.endpoints.goneAt ? r.endpoints.goneAt - r.traffic.firstBad.at : undefined))),
      '',
    );
    row('canary: decision → canary pods out of the Service (EndpointSlice poll)', medianOf(canary.map((r) => (r.endpoints.goneAt ? r.endpoints.goneAt - r.detectedAt : undefined))), '');
    row('canary: first 500 seen → Slipway rollback decision', medianOf(canary.map((r) => (r.traffic.firstBad ? r.detectedAt - r.traffic.firstBad.at : undefined))), ARGO.canaryDecision);
    row('canary: verification first request (a 500) → decision', median(canary.map((r) => r.detectedAt - r.verification.startedAt)), '');
    row('canary: decision → last 500 seen', medianOf(canary.map((r) => (r.traffic.lastBad ? r.traffic.lastBad.at - r.detectedAt : undefined))), '');
    row('canary: release 2 applied → decision', median(canary.map((r) => r.detectedAt - r.startedAt)), '');
    row('canary: share of answers from release 2 (prober, whole run)', `${canary.reduce((s, r) => s + r.traffic.bad, 0)}/${canary.reduce((s, r) => s + r.traffic.answers, 0)}`, '');
  }
  if (blueGreen.length) {
    row('blue-green: verification finished (failed) → decision', median(blueGreen.map((r) => r.detectedAt - r.verification.finishedAt)), ARGO.bgDecision);
    row('blue-green: verification first request (a 500) → decision', median(blueGreen.map((r) => r.detectedAt - r.verification.startedAt)), '');
    row('blue-green: first 500 seen on the preview Service → decision', medianOf(blueGreen.map((r) => (r.preview.firstBad ? r.detectedAt - r.preview.firstBad.at : undefined))), '');
    row('blue-green: release 2 applied → decision', median(blueGreen.map((r) => r.detectedAt - r.startedAt)), '');
    row(
      'blue-green: answers from release 2 (or no answer) on the active Service',
      `${blueGreen.reduce((s, r) => s + r.active.bad + r.active.other, 0)}/${blueGreen.reduce((s, r) => s + r.active.answers, 0)}`,
      ARGO.bgActive,
    );
  }
  console.log(
    '  The canary share is the replica ratio (no weighted router): 1 canary pod beside 1 stable pod is 50% of the endpoints, and the API server ' +
      "proxy picks one per request, so the prober's last 500 only bounds the moment the canary left (the EndpointSlice rows say it exactly). Argo's figures are what its documented mechanisms give with the settings named, not measured here.",
  );
}
