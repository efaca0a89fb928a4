import type { V1Pod } from '@kubernetes/client-node';
import { judgeStep, startProgress, stepFailure, withEvent } from '../../../src/releases/progressive/progress.js';
import { podsHealth } from '../../../src/releases/progressive/sides.js';
import type { MetricResult, Verification } from '../../../src/store/types.js';

const pod = (name: string, ready: boolean, restarts = 0, last?: { exitCode: number; reason?: string }): V1Pod => ({
  metadata: { name },
  status: {
    conditions: [{ type: 'Ready', status: ready ? 'True' : 'False' }],
    containerStatuses: [
      {
        name: 'app',
        image: 'x',
        imageID: 'x',
        ready,
        restartCount: restarts,
        ...(last ? { lastState: { terminated: { exitCode: last.exitCode, ...(last.reason ? { reason: last.reason } : {}) } }, state: { waiting: { reason: 'CrashLoopBackOff' } } } : {}),
      },
    ],
  },
});

const passed: Verification = { state: 'passed', message: 'GET / on port 8080: 200 ×20' };
const failed: Verification = { state: 'failed', message: 'GET / on port 8080: 500 ×3' };
const off: Verification = { state: 'off', message: 'verification is off for this app' };

describe('podsHealth', () => {
  test('counts ready pods and restarts, and names the pods at fault with what their containers say', () => {
    expect(podsHealth([pod('a', true), pod('b', false), pod('c', false, 2, { exitCode: 1, reason: 'Error' })])).toEqual({
      pods: 3,
      ready: 1,
      restarts: 2,
      problems: [
        { pod: 'b', reason: 'NotReady' },
        { pod: 'c', reason: 'CrashLoopBackOff', restartCount: 2, message: 'last exit code 1 (Error)' },
      ],
    });
  });
});

describe('judgeStep', () => {
  const base = { step: 2, weight: 50, share: 50, replicas: { release: 1, stable: 1 }, startedAt: 't0', finishedAt: 't1' };
  test.each([
    ['all ready, no restart, verified', [pod('a', true)], 0, passed, 'passed', /1\/1 pods ready, 0 restarts; verification passed/],
    ['verification off still needs healthy pods', [pod('a', true)], 0, off, 'passed', /verification off/],
    ['a restart since the step began', [pod('a', true, 3)], 2, passed, 'failed', /^1 container restart$/],
    ['restarts from before the step are not counted', [pod('a', true, 2)], 2, passed, 'passed', /0 restarts/],
    ['a pod not ready', [pod('a', true), pod('b', false)], 0, passed, 'failed', /1 of 2 pods not ready/],
    ['verification failed', [pod('a', true)], 0, failed, 'failed', /verification: GET \/ on port 8080: 500 ×3/],
    ['the metric above its threshold', [pod('a', true)], 0, passed, 'failed', /^Prometheus: sum\(errors\) → 3 > 0$/, metricOf('failed', 3)],
    ['the metric within it', [pod('a', true)], 0, passed, 'passed', /verification passed: .*; Prometheus 0 ≤ 0$/, metricOf('passed', 0)],
  ] as const)('%s', (_name, pods, baselineRestarts, verification, state, message, metric: MetricResult | undefined = undefined) => {
    const analysis = judgeStep({ ...base, health: podsHealth([...pods]), baselineRestarts, verification, ...(metric ? { metric } : {}) });
    expect(analysis).toMatchObject({ step: 2, weight: 50, share: 50, state });
    expect(analysis.message).toMatch(message);
  });
});

describe('the progress record', () => {
  test('starts with what it rolls out, and keeps at most 50 events', () => {
    let progress = startProgress({ strategy: 'Canary', stable: 4, steps: [10, 50, 100], replicas: { release: 0, stable: 3 }, at: 't0' });
    expect(progress).toMatchObject({ phase: 'starting', step: 1, share: 0, events: [{ at: 't0', message: 'canary 10% → 50% → 100% from release 4' }] });
    for (let i = 0; i < 60; i++) progress = withEvent(progress, `event ${i}`, `t${i}`);
    expect(progress.events).toHaveLength(50);
    expect(progress.events.at(-1)).toEqual({ at: 't59', message: 'event 59' });
  });
});

describe('stepFailure', () => {
  test.each([
    ['verification failed: its first failed answer', failedWithAnswer(), [pod('a', true)], 'VerificationFailed', [{ pod: 'a', reason: 'VerificationFailed', message: 'HTTP 500: boom' }]],
    ['a restart: the pods that restarted', passed, [pod('a', true, 1, { exitCode: 2 })], 'CanaryRestarted', [{ pod: 'a', reason: 'CrashLoopBackOff', restartCount: 1, message: 'last exit code 2' }]],
    ['a pod not ready', passed, [pod('a', false)], 'CanaryNotReady', [{ pod: 'a', reason: 'NotReady' }]],
    ['only the metric', passed, [pod('a', true)], 'MetricFailed', [], metricOf('failed', 3)],
  ] as const)('%s', (_name, verification, pods, reason, problems, metric: MetricResult | undefined = undefined) => {
    expect(stepFailure({ verification, health: podsHealth([...pods]), ...(metric ? { metric } : {}) })).toEqual({ reason, pods: problems });
  });
});

function metricOf(state: 'passed' | 'failed', value: number): MetricResult {
  return { state, query: 'sum(errors)', value, max: 0, message: `${value} ${state === 'failed' ? '>' : '≤'} 0`, at: 't' };
}

function failedWithAnswer(): Verification {
  return { ...failed, firstFailure: { pod: 'a', status: 500, body: 'boom' } };
}
