import type { DeployConfig, Release } from '../../store/types.js';
import type { AutoscaleStatus } from '../../store/views.js';
import { apiPath } from '../api-path.js';
import { CliError, type ApiClient } from '../client.js';
import { parseDuration } from '../strategy-args.js';
import { settle } from './lifecycle.js';

type Print = (line: string) => void;
type Autoscale = NonNullable<DeployConfig['autoscale']>;

export interface AutoscaleOptions {
  min?: string;
  max?: string;
  cpu?: string;
  memory?: string;
  scaleDownDelay?: string;
  off?: boolean;
  wait?: boolean;
}

const FLAGS = { min: '--min', max: '--max', cpu: '--cpu', memory: '--memory' } as const;

/**
 * What the flags ask for: 'show' with none, 'off' with --off, else the autoscaler they make over
 * the current one (flags not given keep its values). The API checks the ranges and max >= min.
 */
export function autoscaleFromArgs(options: AutoscaleOptions, current: Autoscale | null): Autoscale | 'off' | 'show' {
  const given = (['min', 'max', 'cpu', 'memory', 'scaleDownDelay'] as const).filter((k) => options[k] !== undefined);
  if (options.off) {
    if (given.length) throw new CliError('--off turns autoscaling off: it takes no other flag');
    return 'off';
  }
  if (!given.length) return 'show';
  const whole = (key: keyof typeof FLAGS) => {
    const value = options[key];
    if (value === undefined) return undefined;
    const n = Number(value.replace(/%$/, ''));
    if (!/^\d{1,4}%?$/.test(value) || n < 1) throw new CliError(`${FLAGS[key]} takes a whole number from 1, got "${value}"`);
    return n;
  };
  const min = whole('min') ?? current?.minReplicas;
  const max = whole('max') ?? current?.maxReplicas;
  if (min === undefined || max === undefined) throw new CliError('autoscale needs --min and --max (e.g. --min 2 --max 10 --cpu 70)');
  const cpu = whole('cpu') ?? current?.cpuPercent;
  const memory = whole('memory') ?? current?.memoryPercent;
  if (cpu === undefined && memory === undefined) throw new CliError('autoscale needs a target: --cpu PERCENT, --memory PERCENT or both');
  const delay = options.scaleDownDelay !== undefined ? parseDuration(options.scaleDownDelay, '--scale-down-delay') : current?.scaleDownDelaySeconds;
  return {
    minReplicas: min,
    maxReplicas: max,
    ...(cpu !== undefined ? { cpuPercent: cpu } : {}),
    ...(memory !== undefined ? { memoryPercent: memory } : {}),
    ...(delay !== undefined ? { scaleDownDelaySeconds: delay } : {}),
  };
}

/** One line about an autoscaler: its range, targets and, when the cluster has it, what it does now. */
export function describeAutoscale(autoscale: Autoscale, status: AutoscaleStatus | null): string {
  const targets = [autoscale.cpuPercent !== undefined && `CPU ${autoscale.cpuPercent}%`, autoscale.memoryPercent !== undefined && `memory ${autoscale.memoryPercent}%`].filter(Boolean);
  const setting = `${autoscale.minReplicas} to ${autoscale.maxReplicas} replicas at ${targets.join(' and ')} of requests${autoscale.scaleDownDelaySeconds !== undefined ? `, scale-down after ${autoscale.scaleDownDelaySeconds} s` : ''}`;
  if (!status) return `${setting} (not in the cluster yet)`;
  const now = [status.cpuPercent !== undefined && `CPU ${status.cpuPercent}%`, status.memoryPercent !== undefined && `memory ${status.memoryPercent}%`].filter(Boolean);
  return `${setting}; now ${status.currentReplicas} replica${status.currentReplicas === 1 ? '' : 's'} (wants ${status.desiredReplicas})${now.length ? `, ${now.join(', ')}` : ''}${status.problem ? `; ${status.problem}` : ''}`;
}

/** `slipway autoscale <app> [--min N --max M --cpu P --memory P --scale-down-delay 30s | --off]`. */
export async function autoscaleCommand(params: { client: ApiClient; app: string; options: AutoscaleOptions; print: Print }): Promise<void> {
  const { client, app, options, print } = params;
  const shown = await client.get<{ autoscale: Autoscale | null; status: AutoscaleStatus | null }>(apiPath`/apps/${app}/autoscale/status`);
  const wanted = autoscaleFromArgs(options, shown.autoscale);
  if (wanted === 'show') {
    print(shown.autoscale ? `--> ${app} autoscales: ${describeAutoscale(shown.autoscale, shown.status)}` : `--> ${app} does not autoscale (slipway scale sets its replicas)`);
    return;
  }
  if (wanted === 'off') {
    const result = await client.request<{ release: Release | null }>('DELETE', apiPath`/apps/${app}/autoscale`);
    await settle({ client, app, release: result.release, wait: options.wait !== false, print, what: 'Autoscaling off; the app keeps its scale' });
    return;
  }
  const result = await client.request<{ autoscale: Autoscale; release: Release | null }>('PUT', apiPath`/apps/${app}/autoscale`, { autoscale: wanted });
  await settle({ client, app, release: result.release, wait: options.wait !== false, print, what: `Autoscaling ${describeAutoscale(result.autoscale, null).replace(/ \(not in the cluster yet\)$/, '')}` });
}
