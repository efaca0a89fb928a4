// `slipway strategy <app> <type> [options]` into the strategy the API stores (PUT /apps/:app/strategy).
import type { StrategySpec } from '../store/types.js';
import { CliError } from './client-error.js';

export interface StrategyOptions {
  maxSurge?: string;
  maxUnavailable?: string;
  steps?: string;
  pause?: string;
  manual?: boolean;
  scaleDownDelay?: string;
  previewHost?: string;
  gateway?: string;
  metricQuery?: string;
  metricMax?: string;
}

const TYPES = { rolling: 'Rolling', recreate: 'Recreate', canary: 'Canary', 'blue-green': 'BlueGreen' } as const;
type TypeArgument = keyof typeof TYPES | 'auto';

/** Which options each type takes, as their flags: any other given is an error, not silently dropped. */
const FLAGS: Record<TypeArgument, Array<keyof StrategyOptions>> = {
  auto: [],
  recreate: [],
  rolling: ['maxSurge', 'maxUnavailable'],
  canary: ['steps', 'pause', 'gateway', 'metricQuery', 'metricMax'],
  'blue-green': ['manual', 'scaleDownDelay', 'previewHost', 'metricQuery', 'metricMax'],
};
const FLAG_NAMES: Record<keyof StrategyOptions, string> = {
  maxSurge: '--max-surge',
  maxUnavailable: '--max-unavailable',
  steps: '--steps',
  pause: '--pause',
  manual: '--manual',
  scaleDownDelay: '--scale-down-delay',
  previewHost: '--preview-host',
  gateway: '--gateway',
  metricQuery: '--metric-query',
  metricMax: '--metric-max',
};
const OWNER: Record<keyof StrategyOptions, string> = {
  maxSurge: 'rolling',
  maxUnavailable: 'rolling',
  steps: 'canary',
  pause: 'canary',
  manual: 'blue-green (a canary waits for promote with --pause manual)',
  scaleDownDelay: 'blue-green',
  previewHost: 'blue-green',
  gateway: 'canary',
  metricQuery: 'canary and blue-green',
  metricMax: 'canary and blue-green',
};

/**
 * The strategy to store, or null for `auto` (Recreate with a ReadWriteOnce volume, else Rolling).
 * `canary [--steps 10,50,100] [--pause 30s|2m|manual] [--gateway [ns/]name]`, `blue-green [--manual]
 * [--scale-down-delay 30s] [--preview-host h]`, `rolling [--max-surge n|%] [--max-unavailable n|%]`.
 * Only what is given is stored: the API's defaults fill the rest (docs/strategies.md).
 */
export function strategyFromArgs(type: string, options: StrategyOptions): StrategySpec | null {
  if (!(type in FLAGS)) throw new CliError(`strategy is rolling, recreate, canary, blue-green or auto, got "${type}"`);
  const kind = type as TypeArgument;
  for (const [key, value] of Object.entries(options) as Array<[keyof StrategyOptions, unknown]>) {
    if (value !== undefined && value !== false && key in FLAG_NAMES && !FLAGS[kind].includes(key)) throw new CliError(`${FLAG_NAMES[key]} is for ${OWNER[key]}, not ${kind}`);
  }
  if (kind === 'auto') return null;
  const strategy: StrategySpec = { type: TYPES[kind] };
  if (options.maxSurge !== undefined) strategy.maxSurge = surge(options.maxSurge, '--max-surge');
  if (options.maxUnavailable !== undefined) strategy.maxUnavailable = surge(options.maxUnavailable, '--max-unavailable');
  if (options.steps !== undefined) strategy.steps = parseSteps(options.steps);
  if (options.pause === 'manual') strategy.manualPromotion = true;
  else if (options.pause !== undefined) strategy.pauseSeconds = parseDuration(options.pause, '--pause');
  if (options.manual) strategy.manualPromotion = true;
  if (options.scaleDownDelay !== undefined) strategy.scaleDownDelaySeconds = parseDuration(options.scaleDownDelay, '--scale-down-delay');
  if (options.previewHost !== undefined) strategy.previewHost = options.previewHost;
  if (options.gateway !== undefined) strategy.gatewayRef = parseGateway(options.gateway);
  if ((options.metricQuery === undefined) !== (options.metricMax === undefined)) throw new CliError('--metric-query and --metric-max go together: a Prometheus query and the highest value that passes');
  if (options.metricQuery !== undefined && options.metricMax !== undefined) {
    const max = Number(options.metricMax);
    if (options.metricMax.trim() === '' || !Number.isFinite(max)) throw new CliError(`--metric-max takes a number, got "${options.metricMax}"`);
    strategy.prometheus = { query: options.metricQuery, max };
  }
  return strategy;
}

/** `edge` or `gateways/edge` → the Gateway (its namespace, when given). */
export function parseGateway(value: string): { name: string; namespace?: string } {
  const match = /^(?:([a-z0-9]([-a-z0-9]*[a-z0-9])?)\/)?([a-z0-9]([-a-z0-9]*[a-z0-9])?)$/.exec(value.trim());
  if (!match) throw new CliError(`--gateway takes a Gateway as name or namespace/name, got "${value}"`);
  return { name: match[3]!, ...(match[1] ? { namespace: match[1] } : {}) };
}

/** `30`, `30s`, `2m`, `1h` → seconds. */
export function parseDuration(value: string, flag: string): number {
  const match = /^(\d{1,6})(s|m|h)?$/.exec(value.trim());
  if (!match) throw new CliError(`${flag} takes a duration like 30, 30s, 2m or 1h${flag === '--pause' ? ', or manual' : ''}, got "${value}"`);
  return Number(match[1]) * { s: 1, m: 60, h: 3600 }[(match[2] ?? 's') as 's' | 'm' | 'h'];
}

/** `10,50,100` → [10, 50, 100]: whole percents from 1 to 100, each above the one before. */
export function parseSteps(value: string): number[] {
  const parts = value.split(',').map((p) => p.trim().replace(/%$/, ''));
  const steps = parts.map(Number);
  const bad = parts.find((p, i) => !/^\d{1,3}$/.test(p) || steps[i]! < 1 || steps[i]! > 100);
  if (bad !== undefined) throw new CliError(`--steps takes rising percents from 1 to 100 like 10,50,100, got "${value}" ("${bad}" is not a percent from 1 to 100)`);
  if (steps.some((s, i) => i > 0 && s <= steps[i - 1]!)) throw new CliError(`--steps must rise, each step above the one before, got "${value}"`);
  return steps;
}

/** `--max-surge 1` → 1, `--max-surge 25%` → '25%' (the API checks the range). */
function surge(value: string, flag: string): number | string {
  if (/^\d+$/.test(value)) return Number(value);
  if (/^\d{1,3}%$/.test(value)) return value;
  throw new CliError(`${flag} takes a number of pods or a percent (1, 25%), got "${value}"`);
}

/**
 * What a strategy means, in one line: `Canary (steps 10% → 50% → 100%, pause 30 s)`. Fields left
 * out are named as defaults, not given numbers: the API owns them (docs/strategies.md).
 */
export function describeStrategy(strategy: StrategySpec | null): string {
  if (!strategy) return 'auto (Recreate with a ReadWriteOnce volume, else Rolling)';
  const parts: string[] = [];
  if (strategy.maxSurge !== undefined) parts.push(`max surge ${strategy.maxSurge}`);
  if (strategy.maxUnavailable !== undefined) parts.push(`max unavailable ${strategy.maxUnavailable}`);
  if (strategy.type === 'Canary') {
    const steps = strategy.steps ? [...strategy.steps, ...(strategy.steps.at(-1) === 100 ? [] : [100])] : undefined;
    parts.push(steps ? `steps ${steps.map((s) => `${s}%`).join(' → ')}` : 'the default steps');
    parts.push(strategy.manualPromotion ? 'each step waits for slipway promote' : strategy.pauseSeconds !== undefined ? `pause ${strategy.pauseSeconds} s` : 'the default pause');
    const gateway = strategy.gatewayRef;
    parts.push(gateway ? `exact weights at Gateway ${gateway.namespace ? `${gateway.namespace}/` : ''}${gateway.name}` : 'share by replica ratio');
  }
  if (strategy.type === 'BlueGreen') {
    parts.push(strategy.manualPromotion ? 'the switch waits for slipway promote' : 'switches once verified');
    parts.push(strategy.scaleDownDelaySeconds !== undefined ? `the previous release kept ${strategy.scaleDownDelaySeconds} s after the switch` : 'the default scale-down delay');
    if (strategy.previewHost) parts.push(`preview host ${strategy.previewHost}`);
  }
  if (strategy.prometheus) parts.push(`each step also fails when Prometheus says ${strategy.prometheus.query} > ${strategy.prometheus.max}`);
  return `${strategy.type}${parts.length ? ` (${parts.join(', ')})` : ''}`;
}
