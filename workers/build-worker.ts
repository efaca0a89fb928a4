// The build worker process: takes builds off the queue until SIGTERM/SIGINT, then finishes
// the jobs it holds (BullMQ's close waits for them) and exits.
import { createBuildWorker } from '../src/build/build-worker.js';
import { loadConfig } from '../src/config.js';
import { SlipwayError } from '../src/errors.js';
import { createLogger } from '../src/logger.js';
import { openServices } from '../src/services.js';

async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger({ name: 'build-worker', level: config.logLevel });
  const services = openServices(config);
  const worker = createBuildWorker({ services, logger });
  worker.on('failed', (job, error) => logger.error({ job: job?.id, err: error }, 'build job failed'));
  let closing: Promise<void> | undefined;
  const stop = (signal: string) => {
    closing ??= (async () => {
      logger.info({ signal }, 'closing build worker');
      await worker.close();
      await services.close();
      process.exit(0);
    })();
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
  logger.info({ concurrency: config.buildConcurrency, registry: config.registry.host }, 'build worker started');
  await worker.run();
}

main().catch((error: unknown) => {
  const message = error instanceof SlipwayError ? `${error.code}: ${error.message}` : error instanceof Error ? error.stack : String(error);
  process.stderr.write(`build worker failed to start: ${message}\n`);
  process.exit(1);
});
