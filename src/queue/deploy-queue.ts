import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Build, Release } from '../store/types.js';
import { createQueue } from './create-queue.js';
import { QUEUES, type DeployJob } from './names.js';

export type DeployQueue = Queue<DeployJob>;

export function createDeployQueue(params: { connection: Redis; prefix: string }): DeployQueue {
  return createQueue<DeployJob>({ name: QUEUES.deploys, ...params });
}

const KEEP = { attempts: 1, removeOnComplete: { count: 1000 }, removeOnFail: { count: 1000 } };

/** One job per release; the job id makes a second enqueue of the same release a no-op. */
export async function enqueueDeploy(queue: DeployQueue, release: Release): Promise<void> {
  await queue.add('deploy', { app: release.app, release: release.number }, { jobId: `${release.app}-r${release.number}`, ...KEEP });
}

/** The build worker's report that a build succeeded; one job per build. */
export async function enqueueBuildSucceeded(queue: DeployQueue, build: Build): Promise<void> {
  await queue.add('build-succeeded', { app: build.app, build: build.id }, { jobId: `${build.app}-b${build.number}`, ...KEEP });
}

/** What a finished deploy job returns (BullMQ's returnvalue): which release it settled, if any. */
export interface DeployResult {
  release?: number;
  status?: string;
  reason?: string;
}
