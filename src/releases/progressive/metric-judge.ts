// A step's Prometheus analysis, the deciding half: the query a step asks, and what its answer
// means against the threshold. Pure; metric-analysis.ts asks Prometheus.
import type { DeployConfig, MetricResult } from '../../store/types.js';

export type MetricSpec = NonNullable<NonNullable<DeployConfig['strategy']>['prometheus']>;

/** The query with `{{namespace}}`, `{{app}}`, `{{release}}` and `{{stable}}` replaced (each a DNS label or a number: nothing to escape). */
export function metricQuery(query: string, vars: { namespace: string; app: string; release: number; stable: number }): string {
  return query.replace(/\{\{\s*(namespace|app|release|stable)\s*\}\}/g, (_all, name: keyof typeof vars) => String(vars[name]));
}

/** The first value of a Prometheus `/api/v1/query` answer (vector or scalar); undefined when it has none, or NaN. */
export function firstValue(answer: unknown): number | undefined {
  const data = (answer as { data?: { resultType?: string; result?: unknown } }).data;
  const raw =
    data?.resultType === 'scalar'
      ? (data.result as [number, string] | undefined)?.[1]
      : data?.resultType === 'vector'
        ? (data.result as Array<{ value?: [number, string] }> | undefined)?.[0]?.value?.[1]
        : undefined;
  const value = raw === undefined ? undefined : Number(raw);
  return value === undefined || Number.isNaN(value) ? undefined : value;
}

/** The result of a step's metric: above `max` fails; no data passes unless `failOnNoData`. */
export function judgeMetric(params: { spec: MetricSpec; query: string; value?: number; error?: string; at: string }): MetricResult {
  const { spec, query, value, at } = params;
  const base = { query, max: spec.max, at };
  if (params.error) return { ...base, state: 'failed', message: `Prometheus could not be asked: ${params.error}` };
  if (value === undefined) {
    return spec.failOnNoData ? { ...base, state: 'failed', message: 'no data, and failOnNoData is set' } : { ...base, state: 'passed', message: 'no data yet' };
  }
  return { ...base, value, state: value > spec.max ? 'failed' : 'passed', message: `${value} ${value > spec.max ? '>' : '≤'} ${spec.max}` };
}
