import { defaultDeployConfig } from '../../src/store/deploy-config.js';
import { allowedFailures, judgeVerification, percentile, verdictReached, verificationProblems, verifyPlan, type Sample, type VerifyPlan } from '../../src/releases/rollout/verification.js';
import type { DeployConfig } from '../../src/store/types.js';
import { verificationSummary } from '../../src/store/views.js';

const config = (over: Partial<DeployConfig> = {}): DeployConfig => ({ ...defaultDeployConfig('web'), ...over });
const PLAN: VerifyPlan = { path: '/', port: 8080, requests: 20, maxFailedPercent: 10, timeoutSeconds: 5 };
const ok = (ms = 5, pod = 'web-a'): Sample => ({ pod, ms, status: 200 });
const status = (code: number, body?: string): Sample => ({ pod: 'web-a', ms: 7, status: code, ...(body ? { body } : {}) });
const times = (n: number, sample: Sample): Sample[] => Array.from({ length: n }, () => sample);
const judge = (samples: Sample[], plan = PLAN) => judgeVerification({ plan, samples, pods: ['web-a'], startedAt: 't0', finishedAt: 't1' });

describe('verifyPlan: what a release is verified with', () => {
  test.each([
    ['unset, install on: the defaults on `/`', config(), true, 1, { path: '/', port: 8080, requests: 20, maxFailedPercent: 10, timeoutSeconds: 5 }],
    ['not the readiness path: a health answer says nothing of the app', config({ readinessPath: '/healthz' }), true, 1, { path: '/' }],
    ['the app sets its path and share', config({ verify: { enabled: true, path: '/orders?limit=1', requests: 5, maxFailedPercent: 0, timeoutSeconds: 2 } }), true, 3, { path: '/orders?limit=1', requests: 5, maxFailedPercent: 0, timeoutSeconds: 2 }],
    ['the app turns it on where the install has it off', config({ verify: { enabled: true } }), false, 1, { path: '/', requests: 20 }],
    ['the app turns it off', config({ verify: { enabled: false, path: '/x' } }), true, 1, { off: expect.stringMatching(/deploy\.verify\.enabled: false/) }],
    ['the install has it off and the app says nothing', config(), false, 1, { off: expect.stringMatching(/SLIPWAY_VERIFY_RELEASES=false/) }],
    ['scaled to 0: no pod to ask', config(), true, 0, { off: expect.stringMatching(/scaled to 0/) }],
  ])('%s', (_name, deploy, installDefault, replicas, expected) => {
    expect(verifyPlan({ config: deploy, port: 8080, replicas, installDefault })).toMatchObject(expected);
  });
});

describe('when the verdict is certain', () => {
  test.each([
    ['20 requests, 10%: 2 failures allowed', { requests: 20, maxFailedPercent: 10 }, 2],
    ['rounded down: 5 requests, 10% allows none', { requests: 5, maxFailedPercent: 10 }, 0],
    ['0%: none', { requests: 20, maxFailedPercent: 0 }, 0],
    ['100%: all', { requests: 20, maxFailedPercent: 100 }, 20],
  ])('%s', (_name, plan, allowed) => {
    expect(allowedFailures(plan)).toBe(allowed);
  });

  test.each([
    ['nothing sent yet', [], false],
    ['2 failures of 20 allowed, 2 seen: go on', times(2, status(500)), false],
    ['a third failure: failed whatever the rest say', times(3, status(500)), true],
    ['all 20 sent', times(20, ok()), true],
    ['19 good: one more to send', times(19, ok()), false],
  ])('%s', (_name, samples, reached) => {
    expect(verdictReached(samples, PLAN)).toBe(reached);
  });
});

describe('judgeVerification: the record and the verdict', () => {
  test('all 200: passed, with statuses and latency percentiles', () => {
    const samples = Array.from({ length: 20 }, (_, i) => ok(i + 1));
    expect(judge(samples)).toEqual({
      state: 'passed',
      message: 'GET / on port 8080: 200 ×20; 0 of 20 failed (5xx, timeout or unreachable; at most 10% of 20 allowed); p50 10 ms, p99 20 ms',
      path: '/',
      port: 8080,
      requests: 20,
      failed: 0,
      maxFailedPercent: 10,
      statuses: { '200': 20 },
      timeouts: 0,
      unreachable: 0,
      latencyMs: { p50: 10, p90: 18, p99: 20, max: 20 },
      pods: ['web-a'],
      startedAt: 't0',
      finishedAt: 't1',
    });
  });

  test.each([
    ['2 × 500 in 20: within 10%', [...times(18, ok()), ...times(2, status(500))], 'passed', { '200': 18, '500': 2 }],
    ['3 × 503 in 3: failed early', times(3, status(503, 'Service Unavailable')), 'failed', { '503': 3 }],
    ['4xx is the app answering, not a failure', times(20, status(404)), 'passed', { '404': 20 }],
    ['timeouts fail it and carry no status', times(3, { pod: 'web-a', ms: 5000, error: 'timeout' }), 'failed', {}],
    ['the API server cannot reach the pod', times(3, { pod: 'web-a', ms: 3, error: 'unreachable', body: 'error trying to reach service' }), 'failed', {}],
    ['no request sent (no ready pod): not passed', [], 'failed', {}],
  ])('%s', (_name, samples, state, statuses) => {
    const record = judge(samples);
    expect(record.state).toBe(state);
    expect(record.statuses).toEqual(statuses);
    expect(record.requests).toBe(samples.length);
  });

  test('a failure says what came back, the first failed request is kept with the start of its body', () => {
    const record = judge([ok(3), status(500, 'Traceback (most recent call last)'), { pod: 'web-b', ms: 5000, error: 'timeout' }, { pod: 'web-a', ms: 2, error: 'unreachable' }]);
    expect(record).toMatchObject({ state: 'failed', failed: 3, timeouts: 1, unreachable: 1, firstFailure: { pod: 'web-a', status: 500, body: 'Traceback (most recent call last)' } });
    expect(record.message).toBe(
      'GET / on port 8080: 200 ×1, 500 ×1, timed out ×1, pod unreachable ×1; 3 of 4 failed (5xx, timeout or unreachable; at most 10% of 20 allowed); p50 3 ms, p99 7 ms',
    );
  });

  test('no ready pod to ask: the message says so', () => {
    expect(judge([]).message).toMatch(/no ready pod/);
  });
});

describe('percentile (nearest rank)', () => {
  test.each([
    [[], 50, 0],
    [[4], 99, 4],
    [[1, 2, 3, 4], 50, 2],
    [[1, 2, 3, 4], 90, 4],
    [[1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 90, 9],
  ])('%j p%d = %d', (values, p, expected) => {
    expect(percentile(values, p)).toBe(expected);
  });
});

describe('verificationSummary: one line for the CLI and the dashboard', () => {
  const passed = judge(Array.from({ length: 20 }, (_, i) => ok(i + 1)));
  const failed = judge([status(500), status(500), { pod: 'web-a', ms: 5000, error: 'timeout' }]);
  test.each([
    ['not verified (older releases)', undefined, 'not verified'],
    ['off, with why', { state: 'off' as const, message: 'verification is off for this app' }, 'off: verification is off for this app'],
    ['passed', passed, 'passed: GET / 200 ×20, p50 10 ms p99 20 ms'],
    ['failed', failed, 'failed: GET / 500 ×2, timeout ×1 (3 of 3 failed, at most 10% allowed), p50 7 ms p99 7 ms'],
  ])('%s', (_name, record, line) => {
    expect(verificationSummary(record)).toBe(line);
  });
});

describe('verificationProblems: the failure names the pod and what it answered', () => {
  test.each([
    ['passed: none', judge(times(20, ok())), []],
    ['a 500 with its body', judge(times(3, status(500, 'Traceback (most recent call last)'))), [{ pod: 'web-a', reason: 'VerificationFailed', message: 'HTTP 500: Traceback (most recent call last)' }]],
    ['a timeout', judge(times(3, { pod: 'web-b', ms: 5000, error: 'timeout' })), [{ pod: 'web-b', reason: 'VerificationFailed', message: 'timeout' }]],
    ['a body cut at 200 characters', judge(times(3, status(502, 'x'.repeat(400)))), [{ pod: 'web-a', reason: 'VerificationFailed', message: `HTTP 502: ${'x'.repeat(200)}` }]],
  ])('%s', (_name, record, problems) => {
    expect(verificationProblems(record)).toEqual(problems);
  });
});
