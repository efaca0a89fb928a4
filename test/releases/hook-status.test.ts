import type { V1Job, V1Pod } from '@kubernetes/client-node';
import { checkHookStatus, HOOK_GRACE_SECONDS, type HookStatus } from '../../src/releases/hooks/hook-status.js';

const startedAt = new Date('2026-01-01T00:00:00Z');
const at = (seconds: number) => new Date(startedAt.getTime() + seconds * 1000);
const job = (conditions: Array<{ type: string; status?: string; reason?: string; message?: string }> = []): V1Job => ({
  metadata: { name: 'shop-pre-3' },
  status: { conditions: conditions.map((c) => ({ status: 'True', ...c })) as V1Job['status'] extends infer S ? S extends { conditions?: infer C } ? C : never : never },
});
const pod = (name: string, status: V1Pod['status'], created = 0): V1Pod => ({ metadata: { name, creationTimestamp: at(created) }, status });
const terminated = (exitCode: number, reason: string, message?: string): V1Pod['status'] => ({
  phase: exitCode === 0 ? 'Succeeded' : 'Failed',
  containerStatuses: [{ name: 'hook', image: 'x', imageID: '', ready: false, restartCount: 0, state: { terminated: { exitCode, reason, ...(message ? { message } : {}) } } }],
});
const waiting = (reason: string, message?: string): V1Pod['status'] => ({
  phase: 'Pending',
  containerStatuses: [{ name: 'hook', image: 'x', imageID: '', ready: false, restartCount: 0, state: { waiting: { reason, ...(message ? { message } : {}) } } }],
});

test.each<[string, V1Job, V1Pod[], number, Partial<HookStatus>]>([
  ['no pod yet', job(), [], 1, { state: 'running', message: 'job shop-pre-3: no pod yet' }],
  ['pod running', job(), [pod('p1', { phase: 'Running' })], 5, { state: 'running', pod: 'p1', message: 'job shop-pre-3: Running' }],
  [
    'Complete',
    job([{ type: 'SuccessCriteriaMet' }, { type: 'Complete' }]),
    [pod('p1', terminated(0, 'Completed'))],
    5,
    { state: 'succeeded', pod: 'p1', exitCode: 0, message: 'job shop-pre-3 completed; container exited with code 0 (Completed)' },
  ],
  [
    'Failed: exit code and the container reason',
    job([{ type: 'FailureTarget', reason: 'BackoffLimitExceeded' }, { type: 'Failed', reason: 'BackoffLimitExceeded', message: 'Job has reached the specified backoff limit' }]),
    [pod('p1', terminated(3, 'Error', 'migration 0042 failed'))],
    5,
    {
      state: 'failed', outcome: 'Failed', reason: 'Error', pod: 'p1', exitCode: 3,
      message: 'job shop-pre-3 failed: BackoffLimitExceeded: Job has reached the specified backoff limit; container exited with code 3 (Error): migration 0042 failed',
    },
  ],
  [
    'FailureTarget already decides (pods may still be terminating)',
    job([{ type: 'FailureTarget', reason: 'BackoffLimitExceeded' }]),
    [pod('p1', terminated(1, 'Error'))],
    5,
    { state: 'failed', outcome: 'Failed', reason: 'Error', exitCode: 1 },
  ],
  [
    'the Job\'s activeDeadlineSeconds passed',
    job([{ type: 'Failed', reason: 'DeadlineExceeded', message: 'Job was active longer than specified deadline' }]),
    [],
    61,
    { state: 'failed', outcome: 'DeadlineExceeded', reason: 'DeadlineExceeded', message: 'job shop-pre-3 failed: DeadlineExceeded: Job was active longer than specified deadline' },
  ],
  [
    'the newest pod explains (an earlier one may have been replaced)',
    job([{ type: 'Failed', reason: 'BackoffLimitExceeded' }]),
    [pod('old', terminated(1, 'Error'), 0), pod('new', terminated(137, 'OOMKilled'), 10)],
    20,
    { state: 'failed', reason: 'OOMKilled', pod: 'new', exitCode: 137 },
  ],
  [
    'an image the registry does not have fails at once, not at the deadline',
    job(),
    [pod('p1', waiting('ErrImagePull', 'failed to resolve reference: not found'))],
    3,
    { state: 'failed', outcome: 'Failed', reason: 'ErrImagePull', pod: 'p1', message: 'job shop-pre-3: pod p1: ErrImagePull: failed to resolve reference: not found' },
  ],
  ['a pull refused within 30 s of the pod starting is a wait: the kubelet retries', job(), [pod('p1', waiting('ErrImagePull', '401 Unauthorized'))], 29, { state: 'running' }],
  [
    'a pull still refused 30 s after the pod started fails',
    job(),
    [pod('p1', waiting('ImagePullBackOff', 'Back-off pulling image'))],
    30,
    { state: 'failed', outcome: 'Failed', reason: 'ImagePullBackOff', pod: 'p1', message: 'job shop-pre-3: pod p1: ImagePullBackOff: Back-off pulling image' },
  ],
  ['ContainerCreating is a wait', job(), [pod('p1', waiting('ContainerCreating'))], 3, { state: 'running' }],
  ['within the grace after the timeout: still the Job controller\'s call', job(), [pod('p1', { phase: 'Running' })], 60 + HOOK_GRACE_SECONDS, { state: 'running' }],
  [
    'past timeout + grace: Slipway\'s own deadline',
    job(),
    [pod('p1', { phase: 'Running' })],
    61 + HOOK_GRACE_SECONDS,
    { state: 'failed', outcome: 'DeadlineExceeded', reason: 'DeadlineExceeded', pod: 'p1', message: `job shop-pre-3 still running ${61 + HOOK_GRACE_SECONDS}s after it started (timeout 60s)` },
  ],
  ['a condition that is False does not count', job([{ type: 'Failed', status: 'False' }]), [], 1, { state: 'running' }],
])('%s', (_name, j, pods, seconds, expected) => {
  const status = checkHookStatus({ job: j, pods, now: at(seconds), startedAt, timeoutSeconds: 60 });
  expect(status).toMatchObject(expected);
});
