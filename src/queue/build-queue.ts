import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Build } from '../store/types.js';
import { createQueue } from './create-queue.js';
import { addFreshJob } from './fresh-job.js';
import { QUEUES, type BuildJob } from './names.js';

export type BuildQueue = Queue<BuildJob>;

export function createBuildQueue(params: { connection: Redis; prefix: string }): BuildQueue {
  return createQueue<BuildJob>({ name: QUEUES.builds, ...params });
}

/**
 * The job id is the build id, so a build is never queued twice. Build ids are unique for good
 * (numbers outlive a deleted app: store/build-store.ts); a leftover finished job under the same
 * id, from before that was so, is replaced rather than silently kept (fresh-job.ts).
 */
export async function enqueueBuild(queue: BuildQueue, build: Build): Promise<void> {
  await addFreshJob(queue, {
    name: 'build',
    data: { buildId: build.id, app: build.app },
    opts: { jobId: build.id, attempts: 1, removeOnComplete: { count: 1000 }, removeOnFail: { count: 1000 } },
    recordCreatedAt: build.createdAt,
  });
}
