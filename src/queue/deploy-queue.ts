import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Build, Release } from '../store/types.js';
import { createQueue } from './create-queue.js';
import { addFreshJob } from './fresh-job.js';
import { QUEUES, type DeployJob } from './names.js';

export type DeployQueue = Queue<DeployJob>;

export function createDeployQueue(params: { connection: Redis; prefix: string }): DeployQueue {
  return createQueue<DeployJob>({ name: QUEUES.deploys, ...params });
}

const KEEP = { attempts: 1, removeOnComplete: { count: 1000 }, removeOnFail: { count: 1000 } };

// Job ids are `<app>-r<release number>` and `<app>-b<build number>` (metrics/follow-queues.ts reads
// them back). Numbers never restart, even when an app is deleted and created again, so an id names
// one release or build for good; addFreshJob replaces a leftover from before that was so.

/** One job per release; the job id makes a second enqueue of the same release a no-op. */
export async function enqueueDeploy(queue: DeployQueue, release: Release): Promise<void> {
  await addFreshJob(queue, {
    name: 'deploy',
    data: { app: release.app, release: release.number },
    opts: { jobId: `${release.app}-r${release.number}`, ...KEEP },
    recordCreatedAt: release.createdAt,
  });
}

/** The build worker's report that a build succeeded; one job per build. */
export async function enqueueBuildSucceeded(queue: DeployQueue, build: Build): Promise<void> {
  await addFreshJob(queue, {
    name: 'build-succeeded',
    data: { app: build.app, build: build.id },
    opts: { jobId: `${build.app}-b${build.number}`, ...KEEP },
    recordCreatedAt: build.createdAt,
  });
}

/**
 * Asks the deploy worker to keep the registry pull secret in `namespace` (template provisioning,
 * which runs where the registry credentials are not). One job per namespace at a time: a second
 * request while one waits is the same job.
 */
export async function enqueuePullSecret(queue: DeployQueue, params: { app: string; namespace: string }): Promise<void> {
  await queue.add('pull-secret', { app: params.app, pullSecretFor: params.namespace }, { jobId: `pull-secret-${params.namespace}`, attempts: 5, backoff: { type: 'exponential', delay: 1000 }, removeOnComplete: true, removeOnFail: { count: 1000 } });
}

/** What a finished deploy job returns (BullMQ's returnvalue): which release it settled, if any. */
export interface DeployResult {
  release?: number;
  status?: string;
  reason?: string;
}
