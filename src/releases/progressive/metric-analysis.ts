import type { MetricResult, Release } from '../../store/types.js';
import { firstValue, judgeMetric, metricQuery } from './metric-judge.js';

/** A Prometheus answer is small; anything bigger is not one. */
const MAX_ANSWER_BYTES = 1024 * 1024;
const TIMEOUT_MS = 10_000;

/**
 * Asks the install's Prometheus the strategy's query for `release` (stable: the release it is
 * judged against) and judges the answer; undefined when the strategy has no query. No
 * Prometheus configured, an error or a timeout is a failed metric: nothing showed the release
 * is good by it.
 */
export async function metricAnalysis(params: { prometheusUrl?: string; release: Release; stable: number }): Promise<MetricResult | undefined> {
  const { release } = params;
  const spec = release.config.strategy?.prometheus;
  if (!spec) return undefined;
  const query = metricQuery(spec.query, { namespace: release.config.namespace, app: release.app, release: release.number, stable: params.stable });
  const at = () => new Date().toISOString();
  if (!params.prometheusUrl) return judgeMetric({ spec, query, error: 'this install has no SLIPWAY_PROMETHEUS_URL', at: at() });
  try {
    const response = await fetch(`${params.prometheusUrl}/api/v1/query?query=${encodeURIComponent(query)}`, { signal: AbortSignal.timeout(TIMEOUT_MS), redirect: 'error' });
    const text = await boundedText(response);
    if (!response.ok) return judgeMetric({ spec, query, error: `HTTP ${response.status}: ${text.slice(0, 200)}`, at: at() });
    const value = firstValue(JSON.parse(text) as unknown);
    return judgeMetric({ spec, query, ...(value !== undefined ? { value } : {}), at: at() });
  } catch (error) {
    return judgeMetric({ spec, query, error: error instanceof Error ? error.message : String(error), at: at() });
  }
}

async function boundedText(response: Response): Promise<string> {
  const reader = response.body?.getReader();
  if (!reader) return '';
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > MAX_ANSWER_BYTES) {
      await reader.cancel();
      throw new Error(`the answer is over ${MAX_ANSWER_BYTES} bytes`);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}
