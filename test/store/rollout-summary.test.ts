import type { Progress, Release, StepAnalysis, Verification } from '../../src/store/types.js';
import { rolloutInFlight, rolloutSummary } from '../../src/store/views.js';

const verified: Verification = { state: 'passed', message: '20 of 20 answered', path: '/', requests: 20, failed: 0, statuses: { '200': 20 }, latencyMs: { p50: 3, p90: 5, p99: 9, max: 9 } };
const failedVerification: Verification = { state: 'failed', message: '3 of 3 failed', path: '/', requests: 3, failed: 3, maxFailedPercent: 10, statuses: { '500': 3 } };
const analysis = (rest: Partial<StepAnalysis>): StepAnalysis => ({
  step: 1,
  weight: 10,
  share: 25,
  replicas: { release: 1, stable: 3 },
  state: 'passed',
  message: '1/1 pods ready, 0 restarts; verification passed: 20 of 20 answered',
  restarts: 0,
  verification: verified,
  startedAt: '2025-01-01T10:40:00.000Z',
  ...rest,
});
const canary = (rest: Partial<Progress>): Progress => ({
  strategy: 'Canary',
  stable: 6,
  phase: 'paused',
  step: 2,
  steps: [10, 50, 100],
  share: 50,
  replicas: { release: 2, stable: 2 },
  analyses: [],
  events: [],
  ...rest,
});
const blueGreen = (rest: Partial<Progress>): Progress => ({ ...canary({ steps: [100], step: 1, share: 0, replicas: { release: 4, stable: 4 } }), strategy: 'BlueGreen', ...rest });
const release = (progress: Progress | undefined, rest: Partial<Release> = {}) => ({ app: 'web', number: 7, status: 'deploying', ...(progress ? { progress } : {}), ...rest }) as Release;
const aborted = { reason: 'VerificationFailed', message: 'x', pods: [], detectedAt: 'x' };

describe('rolloutSummary: where a rollout stands, first line', () => {
  test.each<[string, Release, string]>([
    ['canary starting', release(canary({ phase: 'starting', step: 1, share: 0, replicas: { release: 0, stable: 4 } })), 'canary: starting beside release 6, steps 10% → 50% → 100%'],
    ['canary analysing a step', release(canary({ phase: 'analysing', share: 25, replicas: { release: 1, stable: 3 } })), 'canary step 2/3: 50% asked, analysing; 25% of traffic on release 7 (1 of 4 pods); stable release 6'],
    ['canary paused', release(canary({ pausedUntil: '2025-01-01T10:42:05.123Z' })), 'canary step 2/3: 50% of traffic on release 7 (2 of 4 pods), paused until 10:42:05 UTC; stable release 6'],
    ['canary at a manual gate', release(canary({ phase: 'awaiting-promotion' })), 'canary step 2/3: 50% of traffic on release 7 (2 of 4 pods), waiting for slipway promote; stable release 6'],
    ['canary promoted', release(canary({ phase: 'done', step: 3, share: 100, replicas: { release: 4, stable: 0 } }), { status: 'current' }), 'canary promoted after 3 steps: all traffic on release 7 (4 pods); release 6 scaled to 0'],
    ['canary aborted', release(canary({ phase: 'aborted', share: 0 }), { status: 'failed', failure: aborted }), 'canary aborted at step 2 (VerificationFailed): all traffic back on release 6'],
    ['canary without a recorded stable release', release(canary({ phase: 'awaiting-promotion', stable: undefined })), 'canary step 2/3: 50% of traffic on release 7 (2 of 4 pods), waiting for slipway promote'],
    ['blue-green preview being verified', release(blueGreen({ phase: 'analysing' })), 'blue-green: preview of release 7 starting and being verified (4 pods); release 6 serves'],
    ['blue-green at the manual gate', release(blueGreen({ phase: 'awaiting-promotion' })), 'blue-green: preview of release 7 ready, waiting for slipway promote; release 6 serves'],
    ['blue-green switched', release(blueGreen({ phase: 'promoted', share: 100, switchedAt: '2025-01-01T10:42:00Z' })), 'blue-green: switched to release 7 at 10:42:00 UTC'],
    [
      'blue-green in its scale-down window',
      release(blueGreen({ phase: 'scaling-down', share: 100, scaleDownAt: '2025-01-01T10:42:30.000Z' }), { status: 'current' }),
      'blue-green: switched to release 7; release 6 stays scaled until 10:42:30 UTC for slipway abort',
    ],
    ['blue-green done', release(blueGreen({ phase: 'done', share: 100 }), { status: 'current' }), 'blue-green: switched to release 7; release 6 scaled down'],
    ['blue-green aborted before the switch', release(blueGreen({ phase: 'aborted' }), { status: 'failed', failure: aborted }), 'blue-green aborted before the switch (VerificationFailed): release 7 never took traffic; release 6 serves'],
    [
      'blue-green aborted in the scale-down window',
      release(blueGreen({ phase: 'aborted', switchedAt: '2025-01-01T10:42:00Z' }), { status: 'failed', failure: { ...aborted, reason: 'Aborted' } }),
      'blue-green aborted after the switch (Aborted): all traffic back on release 6',
    ],
  ])('%s', (_name, record, line) => {
    expect(rolloutSummary(record)[0]).toBe(line);
  });

  test('a release rolled out another way has no summary', () => {
    expect(rolloutSummary(release(undefined))).toEqual([]);
  });
});

describe('rolloutSummary: one line per analysis', () => {
  test.each<[string, Progress, string]>([
    ['a passed canary step', canary({ analyses: [analysis({})] }), 'step 1 (10% asked, 25% by replicas): passed — 1/1 pods ready, 0 restarts; verification passed: GET / 200 ×20, p50 3 ms p99 9 ms'],
    [
      'a failed canary step',
      canary({ analyses: [analysis({ step: 2, weight: 50, share: 50, state: 'failed', message: '1 container restart; verification: 3 of 3 failed', restarts: 1, verification: failedVerification })] }),
      'step 2 (50% asked, 50% by replicas): failed — 1 container restart; verification failed: GET / 500 ×3 (3 of 3 failed, at most 10% allowed)',
    ],
    ['verification off', canary({ analyses: [analysis({ message: '1/1 pods ready, 0 restarts; verification off', verification: { state: 'off', message: 'no port' } })] }), 'step 1 (10% asked, 25% by replicas): passed — 1/1 pods ready, 0 restarts; verification off: no port'],
    [
      'a step behind a Gateway: the share is the route weight',
      canary({ gateway: 'slipway-gateway/edge', analyses: [analysis({ share: 10 })] }),
      'step 1 (10% asked, 10% by route weight at slipway-gateway/edge): passed — 1/1 pods ready, 0 restarts; verification passed: GET / 200 ×20, p50 3 ms p99 9 ms',
    ],
    ['a step still running', canary({ analyses: [analysis({ state: 'running', message: '' })] }), 'step 1 (10% asked, 25% by replicas): running'],
    ['the blue-green preview', blueGreen({ analyses: [analysis({ weight: 100, share: 0, message: '4/4 pods ready, 0 restarts; verification passed: ok' })] }), 'preview: passed — 4/4 pods ready, 0 restarts; verification passed: GET / 200 ×20, p50 3 ms p99 9 ms'],
  ])('%s', (_name, progress, line) => {
    expect(rolloutSummary(release(progress)).slice(1)).toEqual([line]);
  });
});

describe('rolloutInFlight: when promote and abort apply', () => {
  test.each<[string, Release, boolean]>([
    ['a canary paused', release(canary({})), true],
    ['a blue-green preview at its gate', release(blueGreen({ phase: 'awaiting-promotion' })), true],
    ['blue-green in its scale-down window', release(blueGreen({ phase: 'scaling-down' }), { status: 'current' }), true],
    ['a deploying release already aborted (rolling back)', release(canary({ phase: 'aborted' })), false],
    ['current and done', release(canary({ phase: 'done' }), { status: 'current' }), false],
    ['a failed rollout', release(canary({ phase: 'aborted' }), { status: 'failed' }), false],
    ['a rolling release', release(undefined), false],
  ])('%s', (_name, record, expected) => {
    expect(rolloutInFlight(record)).toBe(expected);
  });
});
