// The progress record of a blue-green or canary rollout: pure changes to it.
import type { Progress, StepAnalysis } from '../../store/types.js';
import type { SideHealth } from './sides.js';
import type { MetricResult, Verification } from '../../store/types.js';
import { verificationProblems } from '../rollout/verification.js';
import type { PodProblem } from '../rollout/workload-status.js';

/** The record a progressive rollout starts with. */
export function startProgress(params: { strategy: Progress['strategy']; stable: number; steps: number[]; replicas: Progress['replicas']; at: string; gateway?: string }): Progress {
  return {
    strategy: params.strategy,
    ...(params.gateway ? { gateway: params.gateway } : {}),
    stable: params.stable,
    phase: 'starting',
    step: 1,
    steps: params.steps,
    share: 0,
    replicas: params.replicas,
    analyses: [],
    events: [{ at: params.at, message: `${params.strategy === 'BlueGreen' ? 'blue-green' : `canary ${params.steps.join('% → ')}%`} from release ${params.stable}` }],
  };
}

/** At most this many events are kept: a long manual canary must not grow the record without end. */
const MAX_EVENTS = 50;

export function withEvent(progress: Progress, message: string, at: string): Progress {
  return { ...progress, events: [...progress.events, { at, message }].slice(-MAX_EVENTS) };
}

/**
 * One step's analysis from what was seen: every pod of the release ready, none of its containers
 * restarted since the step began (`baselineRestarts`), and its verification passed (or off).
 */
export function judgeStep(params: {
  step: number;
  weight: number;
  share: number;
  replicas: Progress['replicas'];
  health: SideHealth;
  baselineRestarts: number;
  verification: Verification;
  /** The strategy's Prometheus query, when it has one. */
  metric?: MetricResult;
  startedAt: string;
  finishedAt: string;
}): StepAnalysis {
  const { health, verification, metric } = params;
  const restarts = Math.max(0, health.restarts - params.baselineRestarts);
  const notReady = health.pods - health.ready;
  const problems: string[] = [];
  if (restarts > 0) problems.push(`${restarts} container restart${restarts > 1 ? 's' : ''}`);
  if (notReady > 0) problems.push(`${notReady} of ${health.pods} pods not ready`);
  if (verification.state === 'failed') problems.push(`verification: ${verification.message}`);
  if (metric?.state === 'failed') problems.push(`Prometheus: ${metric.query} → ${metric.message}`);
  const ready = `${health.ready}/${health.pods} pods ready, ${restarts} restarts`;
  const verified = (verification.state === 'off' ? 'verification off' : `verification ${verification.state}: ${verification.message}`) + (metric ? `; Prometheus ${metric.message}` : '');
  return {
    step: params.step,
    weight: params.weight,
    share: params.share,
    replicas: params.replicas,
    state: problems.length ? 'failed' : 'passed',
    message: problems.length ? problems.join('; ') : `${ready}; ${verified}`,
    restarts,
    verification,
    ...(metric ? { metric } : {}),
    startedAt: params.startedAt,
    finishedAt: params.finishedAt,
  };
}

/** Why a step failed, for the release's failure: its verification's first failed answer, else the release's pods at fault. */
export function stepFailure(params: { verification: Verification; health: SideHealth; metric?: MetricResult }): { reason: string; pods: PodProblem[] } {
  const { verification, health } = params;
  if (verification.state === 'failed') return { reason: 'VerificationFailed', pods: verificationProblems(verification) };
  if (params.metric?.state === 'failed' && health.restarts === 0 && health.ready === health.pods) return { reason: 'MetricFailed', pods: [] };
  return { reason: health.restarts > 0 ? 'CanaryRestarted' : 'CanaryNotReady', pods: health.problems };
}
