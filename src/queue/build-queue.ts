import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Build } from '../store/types.js';
import { createQueue } from './create-queue.js';
import { QUEUES, type BuildJob } from './names.js';

export type BuildQueue = Queue<BuildJob>;

export function createBuildQueue(params: { connection: Redis; prefix: string }): BuildQueue {
  return createQueue<BuildJob>({ name: QUEUES.builds, ...params });
}

/** The job id is the build id, so a build is never queued twice. */
export async function enqueueBuild(queue: BuildQueue, build: Build): Promise<void> {
  await queue.add(
    'build',
    { buildId: build.id, app: build.app },
    { jobId: build.id, attempts: 1, removeOnComplete: { count: 1000 }, removeOnFail: { count: 1000 } },
  );
}
