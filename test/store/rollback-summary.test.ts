import type { Release } from '../../src/store/types.js';
import { rollbackSummary, rolledBackOnto } from '../../src/store/views.js';

const failure = { reason: 'CrashLoopBackOff', message: 'pod web-1 exited with code 1', pods: [], detectedAt: 'x' };
const back = { number: 4, ready: true, message: 'release 4 is serving again', settledAt: 'x' };
const release = (number: number, rest: Partial<Release> = {}) => ({ app: 'web', number, status: 'failed', ...rest }) as Release;

describe('rollbackSummary', () => {
  test.each<[string, Partial<Release>, string | undefined]>([
    ['not rolled back', { failure }, undefined],
    ['rolled back, nothing else done', { failure, rolledBackTo: back }, 'runs release 4 — release 5 failed (CrashLoopBackOff: pod web-1 exited with code 1) and was rolled back'],
    [
      'reverted and pruned',
      { failure, rolledBackTo: { ...back, reverted: ['env FOO removed', 'host www.x.test removed'], pruned: ['Ingress web'] } },
      'runs release 4 — release 5 failed (CrashLoopBackOff: pod web-1 exited with code 1) and was rolled back; reverted: env FOO removed, host www.x.test removed; pruned: Ingress web',
    ],
    [
      'config kept, restore not ready, pruning failed',
      { failure, rolledBackTo: { ...back, ready: false, message: 'ImagePullBackOff', configKept: 'changed again', pruneError: 'forbidden' } },
      'runs release 4 — release 5 failed (CrashLoopBackOff: pod web-1 exited with code 1) and was rolled back (release 4 is not ready either: ImagePullBackOff); config kept: changed again; pruning failed: forbidden',
    ],
  ])('%s', (_name, rest, expected) => {
    expect(rollbackSummary(release(5, rest))).toBe(expected);
  });
});

describe('rolledBackOnto', () => {
  const releases = [release(7, { status: 'pending' }), release(6, { rolledBackTo: back }), release(5, { rolledBackTo: back }), release(4, { status: 'current' })];
  test.each<[string, Release[], number | null, number | undefined]>([
    ['the newest failed release rolled back onto the current one', releases, 4, 6],
    ['no current release', releases, null, undefined],
    ['one rolled back onto another release', [release(6, { rolledBackTo: { ...back, number: 3 } }), release(4, { status: 'current' })], 4, undefined],
    ['nothing newer than current', [release(4, { status: 'current' })], 4, undefined],
  ])('%s', (_name, list, current, expected) => {
    expect(rolledBackOnto(list, current)?.number).toBe(expected);
  });
});
