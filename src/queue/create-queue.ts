import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { QUEUES } from './names.js';

/** BullMQ's key prefix under Slipway's: queues and workers must agree on it. */
export function bullPrefix(prefix: string): string {
  return `${prefix}:bull`;
}

/** A BullMQ queue under Slipway's key prefix, so installs and test suites never share jobs. */
export function createQueue<T>(params: { name: (typeof QUEUES)[keyof typeof QUEUES]; connection: Redis; prefix: string }): Queue<T> {
  return new Queue<T>(params.name, { connection: params.connection, prefix: bullPrefix(params.prefix) });
}
