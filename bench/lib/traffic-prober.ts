// What a user of the app sees during a rollout: a prober of our own (independent of Slipway's
// code) that asks the app's Service through the API server's service proxy every ~100 ms and
// keeps every answer, and the pure reading of those answers the progressive rows report.
import { DiscoveryV1Api, type KubeConfig } from '@kubernetes/client-node';
import { waitFor } from '../../test/helpers/wait.js';
import { serviceProxyGet } from './service-proxy.js';

const INTERVAL_MS = 100;

export interface ProbeSample {
  /** When the answer (or the error) came back. */
  at: number;
  /** The HTTP status; 0 when the API server could not be asked. */
  status: number;
  body: string;
}

/** How an answer counts: from the release under test (`bad`), from the stable one (`good`), or neither (the API server's own 503, no answer). */
export type Verdict = 'bad' | 'good' | 'other';

export interface Prober {
  samples: ProbeSample[];
  /** Resolves once the last `count` answers were all `good`, from now on (or rejects at `timeoutMs`). */
  goodStreak(params: { count: number; timeoutMs: number }): Promise<void>;
  stop(): Promise<void>;
}

/** Starts asking `service` (port `http`) in `namespace`, one request at a time, every ~100 ms. */
export function startProber(params: { kc: KubeConfig; namespace: string; service: string; verdict: (s: ProbeSample) => Verdict }): Prober {
  const samples: ProbeSample[] = [];
  let stopped = false;
  const loop = (async () => {
    while (!stopped) {
      const sentAt = Date.now();
      const answer = await serviceProxyGet({ kc: params.kc, namespace: params.namespace, service: params.service, port: 'http', path: 'probe' }).catch((error: unknown) => ({
        status: 0,
        body: String(error),
      }));
      samples.push({ at: Date.now(), status: answer.status, body: answer.body.slice(0, 200) });
      const wait = INTERVAL_MS - (Date.now() - sentAt);
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    }
  })();
  return {
    samples,
    async goodStreak({ count, timeoutMs }) {
      const from = samples.length;
      await waitFor({
        timeoutMs,
        intervalMs: INTERVAL_MS,
        check: async () => {
          const since = samples.slice(from);
          return since.length >= count && since.slice(-count).every((s) => params.verdict(s) === 'good') ? true : undefined;
        },
        message: () => `${params.service}: no ${count} good answers in a row; last: ${samples.slice(-3).map((s) => `${s.status} ${s.body.slice(0, 60)}`).join(' | ')}`,
      });
    },
    async stop() {
      stopped = true;
      await loop;
    },
  };
}

export interface TrafficWindow {
  answers: number;
  bad: number;
  other: number;
  /** The first and last answer from the release under test. */
  firstBad?: ProbeSample;
  lastBad?: ProbeSample;
  /** The first answer after the last bad one: from it on, every answer was good (`otherAfter` says if not). */
  backAt?: ProbeSample;
  /** Good answers after `lastBad` (the confirmation streak). */
  goodAfter: number;
  /** Answers after `lastBad` that were neither good nor bad (should be 0). */
  otherAfter: number;
  /** The first answer that was neither (an API server 502/503, no answer): what it said. */
  firstOther?: ProbeSample;
}

/** Pure: what the answers of a run say about when the bad release took traffic and when it stopped. */
export function trafficWindow(samples: ProbeSample[], verdict: (s: ProbeSample) => Verdict): TrafficWindow {
  const verdicts = samples.map(verdict);
  const first = verdicts.indexOf('bad');
  const last = verdicts.lastIndexOf('bad');
  const after = last >= 0 ? verdicts.slice(last + 1) : [];
  const other = verdicts.indexOf('other');
  return {
    answers: samples.length,
    bad: verdicts.filter((v) => v === 'bad').length,
    other: verdicts.filter((v) => v === 'other').length,
    ...(first >= 0 ? { firstBad: samples[first]! } : {}),
    ...(last >= 0 ? { lastBad: samples[last]! } : {}),
    ...(last >= 0 && last + 1 < samples.length ? { backAt: samples[last + 1]! } : {}),
    ...(other >= 0 ? { firstOther: samples[other]! } : {}),
    goodAfter: after.filter((v) => v === 'good').length,
    otherAfter: after.filter((v) => v === 'other').length,
  };
}

/** How many ready endpoints of a side the Service had at a moment. */
export interface EndpointSample {
  at: number;
  ready: number;
}

/**
 * Polls the Service's EndpointSlices every ~100 ms and counts the ready endpoints whose pod is
 * one of `side`'s (a Deployment's pods are named `<deployment>-<hash>-<suffix>`): when the side
 * entered the Service and when it left it, exactly, where the prober's random pick over the
 * endpoints only bounds it.
 */
export function startEndpointPoller(params: { kc: KubeConfig; namespace: string; service: string; side: string }): { samples: EndpointSample[]; stop(): Promise<void> } {
  const discovery = params.kc.makeApiClient(DiscoveryV1Api);
  const samples: EndpointSample[] = [];
  let stopped = false;
  const loop = (async () => {
    while (!stopped) {
      const sentAt = Date.now();
      const listed = await discovery.listNamespacedEndpointSlice({ namespace: params.namespace, labelSelector: `kubernetes.io/service-name=${params.service}` }).catch(() => undefined);
      if (listed) {
        const ready = listed.items
          .flatMap((slice) => slice.endpoints)
          .filter((e) => e.conditions?.ready === true && (e.targetRef?.name ?? '').startsWith(`${params.side}-`)).length;
        samples.push({ at: Date.now(), ready });
      }
      const wait = INTERVAL_MS - (Date.now() - sentAt);
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    }
  })();
  return {
    samples,
    async stop() {
      stopped = true;
      await loop;
    },
  };
}

/** Pure: the first sample with the side in the Service, and the first one after its last that had none. */
export function endpointWindow(samples: EndpointSample[]): { inAt?: number; goneAt?: number } {
  const first = samples.findIndex((s) => s.ready > 0);
  if (first < 0) return {};
  let last = first;
  samples.forEach((s, i) => (s.ready > 0 ? (last = i) : undefined));
  const gone = samples[last + 1];
  return { inAt: samples[first]!.at, ...(gone ? { goneAt: gone.at } : {}) };
}
