import type { JobsOptions, Queue } from 'bullmq';

/**
 * Adds a job whose id is derived from a record (a build, a release), and makes sure the job
 * BullMQ holds under that id is this record's. BullMQ keeps finished jobs (removeOnComplete
 * keeps 1000) and silently ignores an add whose id it already has: a record that reuses an id
 * (an app deleted and created again before build and release numbers outlived it) would never
 * run. A finished job created before the record was is such a leftover: it is removed and the
 * job added again. A job created after the record (this record's own, finished or not) stays.
 */
export async function addFreshJob<T>(queue: Queue<T>, params: { name: string; data: T; opts: JobsOptions & { jobId: string }; recordCreatedAt: string }): Promise<void> {
  const { name, data, opts } = params;
  // Queue<T>'s add is typed by BullMQ's name/data generics; the cast keeps this helper generic.
  const add = () => (queue as Queue).add(name, data, opts);
  await add();
  const stored = await queue.getJob(opts.jobId);
  if (!stored || stored.timestamp >= Date.parse(params.recordCreatedAt)) return;
  const state = await stored.getState();
  if (state !== 'completed' && state !== 'failed') return;
  await stored.remove().catch(() => undefined);
  await add();
}
