import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { BuildQueue } from '../queue/build-queue.js';
import type { DeployQueue } from '../queue/deploy-queue.js';
import type { Build, Release } from '../store/types.js';

const JOB_STATES = ['waiting', 'active', 'delayed', 'completed', 'failed'] as const;

export type WebhookVerdict = 'queued' | 'ignored' | 'duplicate' | 'rejected' | 'error';

/**
 * The only values the provider label takes: anything else a request names is `unknown`, so
 * unauthenticated calls to `/hooks/<random>/x` cannot add a series each (issue 14).
 */
export const WEBHOOK_PROVIDER_LABELS = ['github', 'gitlab', 'gitea', 'bitbucket', 'generic', 'unknown'] as const;

/**
 * Slipway's Prometheus metrics, in a registry of their own. Builds and rollouts happen in
 * the workers; the API learns of each one from BullMQ's event stream (see follow-queues.ts)
 * and reads its record, so one scrape of the API covers every process.
 */
export class Metrics {
  readonly registry = new Registry();
  private readonly webhookDeliveries = new Counter({
    name: 'slipway_webhook_deliveries_total',
    help: 'Webhook deliveries by provider and verdict (queued, ignored, duplicate, rejected, error)',
    labelNames: ['provider', 'verdict'],
    registers: [this.registry],
  });
  private readonly builds = new Counter({ name: 'slipway_builds_total', help: 'Finished builds by final state and strategy', labelNames: ['state', 'strategy'], registers: [this.registry] });
  private readonly buildDuration = new Histogram({
    name: 'slipway_build_duration_seconds',
    help: 'Build time from start to end (clone, build, push), by final state',
    labelNames: ['state'],
    buckets: [5, 15, 30, 60, 120, 300, 600, 1200, 1800],
    registers: [this.registry],
  });
  private readonly buildWait = new Histogram({
    name: 'slipway_build_queue_wait_seconds',
    help: 'Time a build waited in the queue before a worker started it',
    buckets: [0.1, 0.5, 1, 5, 15, 60, 300, 900],
    registers: [this.registry],
  });
  private readonly rollouts = new Counter({ name: 'slipway_rollouts_total', help: 'Finished rollouts by outcome (current, failed)', labelNames: ['outcome', 'trigger'], registers: [this.registry] });
  private readonly rollbacks = new Counter({
    name: 'slipway_rollbacks_total',
    help: 'Rollbacks: automatic (a failed rollout re-applied the previous release) or manual',
    labelNames: ['kind'],
    registers: [this.registry],
  });
  private readonly detection = new Histogram({
    name: 'slipway_rollout_failure_detection_seconds',
    help: 'From the start of a failed rollout to the moment Slipway judged it failed',
    buckets: [1, 2, 5, 10, 30, 60, 120, 300, 600],
    registers: [this.registry],
  });

  constructor(queues?: { builds: BuildQueue; deploys: DeployQueue }) {
    collectDefaultMetrics({ register: this.registry, prefix: 'slipway_api_' });
    if (!queues) return;
    // Queue depth is read at scrape time: it is Redis's, not this process's.
    new Gauge({
      name: 'slipway_queue_jobs',
      help: 'Jobs in the build and deploy queues by state',
      labelNames: ['queue', 'state'],
      registers: [this.registry],
      async collect() {
        for (const [name, queue] of [['builds', queues.builds], ['deploys', queues.deploys]] as const) {
          const counts = await queue.getJobCounts(...JOB_STATES);
          for (const state of JOB_STATES) this.set({ queue: name, state }, counts[state] ?? 0);
        }
      },
    });
  }

  webhookDelivery(provider: string, verdict: WebhookVerdict): void {
    const label = (WEBHOOK_PROVIDER_LABELS as readonly string[]).includes(provider) ? provider : 'unknown';
    this.webhookDeliveries.inc({ provider: label, verdict });
  }

  buildFinished(build: Build): void {
    this.builds.inc({ state: build.state, strategy: build.strategy?.name ?? 'none' });
    const seconds = (from?: string, to?: string) => (from && to ? (Date.parse(to) - Date.parse(from)) / 1000 : undefined);
    const duration = seconds(build.startedAt, build.finishedAt);
    if (duration !== undefined) this.buildDuration.observe({ state: build.state }, duration);
    const wait = seconds(build.createdAt, build.startedAt);
    if (wait !== undefined) this.buildWait.observe(wait);
  }

  rolloutFinished(release: Release): void {
    this.rollouts.inc({ outcome: release.status === 'current' ? 'current' : release.status, trigger: release.trigger.kind });
    if (release.trigger.kind === 'rollback') this.rollbacks.inc({ kind: 'manual' });
    if (release.rolledBackTo) this.rollbacks.inc({ kind: 'automatic' });
    if (release.failure && release.startedAt) this.detection.observe((Date.parse(release.failure.detectedAt) - Date.parse(release.startedAt)) / 1000);
  }
}
