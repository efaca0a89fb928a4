import { autoscaleFromArgs, describeAutoscale } from '../../src/cli/commands/autoscale.js';

describe('slipway autoscale <app> flags', () => {
  const current = { minReplicas: 2, maxReplicas: 10, cpuPercent: 70 };
  test.each<[string, Parameters<typeof autoscaleFromArgs>[0], Parameters<typeof autoscaleFromArgs>[1], ReturnType<typeof autoscaleFromArgs>]>([
    ['no flags: show', {}, current, 'show'],
    ['--off', { off: true }, current, 'off'],
    ['the full set', { min: '2', max: '10', cpu: '70' }, null, { minReplicas: 2, maxReplicas: 10, cpuPercent: 70 }],
    ['memory, a percent sign and a delay', { min: '1', max: '3', memory: '80%', scaleDownDelay: '2m' }, null, { minReplicas: 1, maxReplicas: 3, memoryPercent: 80, scaleDownDelaySeconds: 120 }],
    ['one flag over the current setting', { max: '20' }, current, { minReplicas: 2, maxReplicas: 20, cpuPercent: 70 }],
  ])('%s', (_name, options, before, expected) => {
    expect(autoscaleFromArgs(options, before)).toEqual(expected);
  });

  test.each<[string, Parameters<typeof autoscaleFromArgs>[0], RegExp]>([
    ['--off with more', { off: true, max: '3' }, /--off .* takes no other flag/],
    ['no range for a new autoscaler', { cpu: '70' }, /needs --min and --max/],
    ['no target', { min: '1', max: '2' }, /needs a target/],
    ['a word for a number', { min: 'two', max: '3', cpu: '50' }, /--min takes a whole number from 1, got "two"/],
    ['zero', { min: '0', max: '3', cpu: '50' }, /--min takes a whole number from 1/],
    ['a bad delay', { min: '1', max: '3', cpu: '50', scaleDownDelay: 'soon' }, /--scale-down-delay takes a duration/],
  ])('refuses %s', (_name, options, message) => {
    expect(() => autoscaleFromArgs(options, null)).toThrow(message);
  });

  test.each<[string, Parameters<typeof describeAutoscale>, string]>([
    ['not applied yet', [current, null], '2 to 10 replicas at CPU 70% of requests (not in the cluster yet)'],
    ['running', [{ ...current, memoryPercent: 80, scaleDownDelaySeconds: 30 }, { currentReplicas: 3, desiredReplicas: 4, cpuPercent: 95 }], '2 to 10 replicas at CPU 70% and memory 80% of requests, scale-down after 30 s; now 3 replicas (wants 4), CPU 95%'],
    ['stuck', [current, { currentReplicas: 1, desiredReplicas: 0, problem: 'FailedGetResourceMetric: no metrics' }], '2 to 10 replicas at CPU 70% of requests; now 1 replica (wants 0); FailedGetResourceMetric: no metrics'],
  ])('describes %s', (_name, args, line) => {
    expect(describeAutoscale(...args)).toBe(line);
  });
});
