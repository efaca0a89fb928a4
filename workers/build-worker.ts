// The build worker process: takes builds off the queue until SIGTERM/SIGINT, then lets the
// builds it holds finish (BullMQ's close waits for them) and exits.
import { createBuildWorker } from '../src/builds/build-worker.js';
import { loadConfig } from '../src/config.js';
import { createLogger } from '../src/logger.js';
import { logConnectionErrors } from '../src/queue/connection-errors.js';
import { runProcess } from '../src/process-entry.js';
import { RECONCILE_INTERVAL_MS, startReconciler } from '../src/queue/reconciler.js';
import { openServices } from '../src/services/services.js';

runProcess({
  name: 'build worker',
  main: async () => {
    const config = loadConfig(process.env, { role: 'worker' });
    const logger = createLogger({ name: 'build-worker', level: config.logLevel });
    const services = openServices(config);
    const worker = createBuildWorker({ services, logger });
    worker.on('failed', (job, error) => logger.error({ job: job?.id, err: error }, 'build job failed'));
    logConnectionErrors({ emitters: { worker, buildQueue: services.buildQueue, deployQueue: services.deployQueue }, logger });
    void worker.run();
    // No build or release stays unfinished without a job that will finish it (issue 17).
    const sweeper = startReconciler({ deps: services, logger, intervalMs: RECONCILE_INTERVAL_MS });
    logger.info({ concurrency: config.buildConcurrency, registry: config.registry.host }, 'build worker started');
    return {
      stop: async () => {
        logger.info('closing build worker');
        await sweeper.stop();
        await worker.close();
        await services.close();
      },
    };
  },
});
