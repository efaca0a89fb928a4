// The API process: read config, open connections, listen; close cleanly on SIGTERM/SIGINT.
import { buildApp } from './api/app.js';
import { loadConfig } from './config.js';
import { createLogger } from './logger.js';
import { followQueues } from './metrics/follow-queues.js';
import { Metrics } from './metrics/metrics.js';
import { logConnectionErrors } from './queue/connection-errors.js';
import { runProcess } from './process-entry.js';
import { startReconciler } from './queue/reconciler.js';
import { openServices } from './services/services.js';
import { resealSecrets } from './store/reseal-secrets.js';

runProcess({
  name: 'slipway api',
  main: async () => {
    const config = loadConfig();
    const services = openServices(config);
    const metrics = new Metrics({ builds: services.buildQueue, deploys: services.deployQueue });
    const app = await buildApp({ ...services, metrics });
    logConnectionErrors({ emitters: { buildQueue: services.buildQueue, deployQueue: services.deployQueue }, logger: app.log });
    const following = followQueues({ services, metrics, logger: createLogger({ name: 'metrics', level: config.logLevel }) });
    const address = await app.listen({ host: config.host, port: config.port });
    app.log.info({ address, publicUrl: config.publicUrl }, 'slipway api listening');
    // Once at start, builds and releases without a live job are settled (the workers reconcile
    // periodically: issue 17), and every stored secret not sealed with the current key is sealed anew.
    const sweeper = startReconciler({ deps: services, logger: app.log });
    void resealSecrets(services).then(
      (report) => app.log[report.unreadable.length ? 'error' : 'info'](report, 'stored secrets checked'),
      (error: unknown) => app.log.error({ err: error }, 'sealing stored secrets failed'),
    );
    return {
      stop: async () => {
        await app.close();
        await sweeper.stop();
        await following.close();
        await services.close();
      },
    };
  },
});
