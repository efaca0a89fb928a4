// The deploy worker process: rolls out releases from the queue until SIGTERM/SIGINT, then
// lets the rollouts it holds settle (BullMQ's close waits for them) and exits.
import { loadConfig } from '../src/config.js';
import { createDeployWorker } from '../src/releases/deploy-worker.js';
import { refreshPullSecrets } from '../src/releases/cluster/refresh-pull-secrets.js';
import { createLogger } from '../src/logger.js';
import { logConnectionErrors } from '../src/queue/connection-errors.js';
import { runProcess } from '../src/process-entry.js';
import { managedNamespaces } from '../src/store/managed-namespaces.js';
import { RECONCILE_INTERVAL_MS, startReconciler } from '../src/queue/reconciler.js';
import { openServices } from '../src/services/services.js';

runProcess({
  name: 'deploy worker',
  main: async () => {
    const config = loadConfig(process.env, { role: 'worker' });
    const logger = createLogger({ name: 'deploy-worker', level: config.logLevel });
    const services = openServices(config);
    const kc = services.kubeConfig();
    const worker = createDeployWorker({ services, kc, logger });
    worker.on('failed', (job, error) => logger.error({ job: job?.id, err: error }, 'deploy job failed'));
    logConnectionErrors({ emitters: { worker, buildQueue: services.buildQueue, deployQueue: services.deployQueue }, logger });
    void worker.run();
    // A changed registry password reaches this process by a restart: give it to every namespace
    // Slipway deploys into now, not only to those that roll out next (issue 15).
    void managedNamespaces(services)
      .then((namespaces) => refreshPullSecrets({ kc, registry: config.registry, namespaces }))
      .then(
        (done) => logger[done.failed.length ? 'warn' : 'info']({ ...done }, 'registry pull secrets checked'),
        (error: unknown) => logger.warn({ err: error }, 'registry pull secrets could not be checked'),
      );
    // No build or release stays unfinished without a job that will finish it (issue 17).
    const sweeper = startReconciler({ deps: services, logger, intervalMs: RECONCILE_INTERVAL_MS });
    logger.info({ concurrency: config.deployConcurrency, cluster: kc.getCurrentCluster()?.server }, 'deploy worker started');
    return {
      stop: async () => {
        logger.info('closing deploy worker');
        await sweeper.stop();
        await worker.close();
        await services.close();
      },
    };
  },
});
