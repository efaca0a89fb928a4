import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Release } from '../store/types.js';
import { createQueue } from './create-queue.js';
import { QUEUES, type DeployJob } from './names.js';

export type DeployQueue = Queue<DeployJob>;

export function createDeployQueue(params: { connection: Redis; prefix: string }): DeployQueue {
  return createQueue<DeployJob>({ name: QUEUES.deploys, ...params });
}

/** One job per release; the job id makes a second enqueue of the same release a no-op. */
export async function enqueueDeploy(queue: DeployQueue, release: Release): Promise<void> {
  await queue.add(
    'deploy',
    { app: release.app, release: release.number },
    { jobId: `${release.app}-r${release.number}`, attempts: 1, removeOnComplete: { count: 1000 }, removeOnFail: { count: 1000 } },
  );
}
