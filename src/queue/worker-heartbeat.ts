import os from 'node:os';
import type { Worker } from 'bullmq';
import type { Logger } from 'pino';
import type { HeartbeatStore, WorkerRole } from '../store/heartbeat-store.js';

/**
 * How often a worker says it is alive, and how long the word lasts: three missed beats and
 * the worker counts as gone (the API's /readyz reads this instead of pinging anything itself).
 */
export const HEARTBEAT = { intervalMs: 5000, ttlMs: 15_000 } as const;

/**
 * Keeps a BullMQ worker's heartbeat in Redis while it runs: a beat as soon as its connections
 * are ready, then every `intervalMs`; none while it is stopped or paused; the key removed when
 * it starts closing (a worker that dies instead simply stops renewing it).
 */
export function keepHeartbeat(params: { worker: Worker; role: WorkerRole; heartbeats: HeartbeatStore; logger: Logger; intervalMs?: number; ttlMs?: number }): void {
  const { worker, role, heartbeats, logger } = params;
  const intervalMs = params.intervalMs ?? HEARTBEAT.intervalMs;
  const ttlMs = params.ttlMs ?? HEARTBEAT.ttlMs;
  const heartbeat = { id: worker.id, host: os.hostname(), pid: process.pid, startedAt: new Date().toISOString() };
  let closing = false;
  let failing = false;
  const beat = () => {
    if (closing || !worker.isRunning() || worker.isPaused()) return;
    heartbeats.beat({ role, heartbeat, ttlMs }).then(
      () => {
        if (failing) logger.info({ worker: heartbeat.id }, 'heartbeat written again');
        failing = false;
      },
      (error: Error) => {
        // Once per outage: the next beats retry quietly.
        if (!failing) logger.warn({ worker: heartbeat.id, err: error }, 'heartbeat not written');
        failing = true;
      },
    );
  };
  const timer = setInterval(beat, intervalMs);
  timer.unref();
  worker.on('ready', beat);
  worker.once('closing', () => {
    closing = true;
    clearInterval(timer);
    void heartbeats.remove(role, heartbeat.id).catch(() => undefined);
  });
}
