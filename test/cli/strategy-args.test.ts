import { describeStrategy, parseDuration, parseSteps, strategyFromArgs, type StrategyOptions } from '../../src/cli/strategy-args.js';
import type { StrategySpec } from '../../src/store/types.js';

describe('strategyFromArgs: what slipway strategy stores', () => {
  test.each<[string, string, StrategyOptions, StrategySpec | null]>([
    ['auto', 'auto', {}, null],
    ['recreate', 'recreate', {}, { type: 'Recreate' }],
    ['rolling with surge', 'rolling', { maxSurge: '1', maxUnavailable: '25%' }, { type: 'Rolling', maxSurge: 1, maxUnavailable: '25%' }],
    ['canary, the defaults', 'canary', {}, { type: 'Canary' }],
    ['canary with steps and a pause', 'canary', { steps: '10,50,100', pause: '30s' }, { type: 'Canary', steps: [10, 50, 100], pauseSeconds: 30 }],
    ['canary, steps as percents, pause in minutes', 'canary', { steps: '5%, 25%', pause: '2m' }, { type: 'Canary', steps: [5, 25], pauseSeconds: 120 }],
    ['canary, manual steps', 'canary', { pause: 'manual' }, { type: 'Canary', manualPromotion: true }],
    ['canary behind a Gateway in its own namespace', 'canary', { gateway: 'gateways/edge' }, { type: 'Canary', gatewayRef: { name: 'edge', namespace: 'gateways' } }],
    ['canary with a metric', 'canary', { metricQuery: 'sum(errors{release="{{release}}"})', metricMax: '0.5' }, { type: 'Canary', prometheus: { query: 'sum(errors{release="{{release}}"})', max: 0.5 } }],
    ['blue-green with a metric', 'blue-green', { metricQuery: 'q', metricMax: '0' }, { type: 'BlueGreen', prometheus: { query: 'q', max: 0 } }],
    ["canary behind a Gateway in the app's namespace", 'canary', { gateway: 'edge' }, { type: 'Canary', gatewayRef: { name: 'edge' } }],
    ['blue-green, the defaults', 'blue-green', {}, { type: 'BlueGreen' }],
    [
      'blue-green, manual, with a delay and a preview host',
      'blue-green',
      { manual: true, scaleDownDelay: '90', previewHost: 'shop-next.example.com' },
      { type: 'BlueGreen', manualPromotion: true, scaleDownDelaySeconds: 90, previewHost: 'shop-next.example.com' },
    ],
    // commander sets a negatable flag to false when absent in some forms: false is "not given".
    ['blue-green, --manual not given', 'blue-green', { manual: false }, { type: 'BlueGreen' }],
  ])('%s', (_name, type, options, expected) => {
    expect(strategyFromArgs(type, options)).toEqual(expected);
  });

  test.each<[string, string, StrategyOptions, RegExp]>([
    ['an unknown type', 'bluegreen', {}, /strategy is rolling, recreate, canary, blue-green or auto, got "bluegreen"/],
    ['a canary flag on blue-green', 'blue-green', { steps: '10,100' }, /--steps is for canary, not blue-green/],
    ['--manual on a canary', 'canary', { manual: true }, /--manual is for blue-green \(a canary waits for promote with --pause manual\), not canary/],
    ['a blue-green flag on rolling', 'rolling', { scaleDownDelay: '30s' }, /--scale-down-delay is for blue-green, not rolling/],
    ['a rolling flag on canary', 'canary', { maxSurge: '1' }, /--max-surge is for rolling, not canary/],
    ['a flag on auto', 'auto', { pause: '30s' }, /--pause is for canary, not auto/],
    ['a bad pause', 'canary', { pause: 'soon' }, /--pause takes a duration like 30, 30s, 2m or 1h, or manual, got "soon"/],
    ['a bad surge', 'rolling', { maxSurge: 'lots' }, /--max-surge takes a number of pods or a percent/],
    ['a Gateway on blue-green', 'blue-green', { gateway: 'edge' }, /--gateway is for canary, not blue-green/],
    ['a metric query without its max', 'canary', { metricQuery: 'q' }, /--metric-query and --metric-max go together/],
    ['a max that is no number', 'canary', { metricQuery: 'q', metricMax: 'lots' }, /--metric-max takes a number, got "lots"/],
    ['a metric on rolling', 'rolling', { metricQuery: 'q', metricMax: '1' }, /--metric-query is for canary and blue-green, not rolling/],
    ['a Gateway that is no name', 'canary', { gateway: 'a/b/c' }, /--gateway takes a Gateway as name or namespace\/name, got "a\/b\/c"/],
  ])('%s is an error', (_name, type, options, message) => {
    expect(() => strategyFromArgs(type, options)).toThrow(message);
  });
});

describe('parseDuration', () => {
  test.each([['30', 30], ['30s', 30], ['2m', 120], ['1h', 3600], ['0', 0], [' 45s ', 45]])('%s → %d s', (value, seconds) => {
    expect(parseDuration(value, '--scale-down-delay')).toBe(seconds);
  });
  test.each([['30 s'], ['2min'], ['-1'], ['1.5m'], ['']])('"%s" is an error naming the flag', (value) => {
    expect(() => parseDuration(value, '--scale-down-delay')).toThrow(/--scale-down-delay takes a duration/);
  });
});

describe('parseSteps', () => {
  test.each<[string, number[]]>([['10,50,100', [10, 50, 100]], ['25', [25]], ['1, 2 ,100', [1, 2, 100]]])('%s', (value, steps) => {
    expect(parseSteps(value)).toEqual(steps);
  });
  test.each<[string, RegExp]>([
    ['0,50', /"0" is not a percent from 1 to 100/],
    ['10,150', /"150" is not a percent/],
    ['10,,100', /"" is not a percent/],
    ['ten', /"ten" is not a percent/],
    ['50,10,100', /--steps must rise/],
    ['10,10,100', /--steps must rise/],
  ])('%s is an error', (value, message) => {
    expect(() => parseSteps(value)).toThrow(message);
  });
});

describe('describeStrategy: what the CLI says it set', () => {
  test.each<[StrategySpec | null, string]>([
    [null, 'auto (Recreate with a ReadWriteOnce volume, else Rolling)'],
    [{ type: 'Rolling', maxSurge: 1 }, 'Rolling (max surge 1)'],
    [{ type: 'Canary', steps: [10, 50], pauseSeconds: 120 }, 'Canary (steps 10% → 50% → 100%, pause 120 s, share by replica ratio)'],
    [{ type: 'Canary', manualPromotion: true }, 'Canary (the default steps, each step waits for slipway promote, share by replica ratio)'],
    [{ type: 'Canary', gatewayRef: { name: 'edge', namespace: 'gateways' } }, 'Canary (the default steps, the default pause, exact weights at Gateway gateways/edge)'],
    [{ type: 'BlueGreen' }, 'BlueGreen (switches once verified, the default scale-down delay)'],
    [{ type: 'BlueGreen', manualPromotion: true, scaleDownDelaySeconds: 60, previewHost: 'next.example.com' }, 'BlueGreen (the switch waits for slipway promote, the previous release kept 60 s after the switch, preview host next.example.com)'],
  ])('%j', (strategy, line) => {
    expect(describeStrategy(strategy)).toBe(line);
  });
});
