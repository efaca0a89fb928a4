/** What connection errors are logged with: pino's logger, or fastify's. */
type WarnLogger = { warn(details: object, message: string): void };

/** Anything that emits BullMQ's `error` events: a Queue, a Worker. */
type ErrorEmitter = { on(event: 'error', listener: (error: Error) => void): unknown };

const EVERY_MS = 10_000;

/**
 * Logs the `error` events of BullMQ queues and workers (a Redis restarting, a Sentinel
 * failover) through the process's logger at warn, at most once every 10 s per emitter with how
 * many were swallowed. Without a listener BullMQ prints every reconnect attempt's stack to the
 * console, and an outage of seconds buries the log.
 */
export function logConnectionErrors(params: { emitters: Record<string, ErrorEmitter>; logger: WarnLogger }): void {
  for (const [name, emitter] of Object.entries(params.emitters)) {
    let lastAt = 0;
    let swallowed = 0;
    emitter.on('error', (error) => {
      const now = Date.now();
      if (now - lastAt < EVERY_MS) {
        swallowed++;
        return;
      }
      params.logger.warn({ [name]: true, err: { message: error.message }, ...(swallowed ? { alsoSince: swallowed } : {}) }, `${name}: redis connection error`);
      lastAt = now;
      swallowed = 0;
    });
  }
}
