// The API process: read config, open connections, listen. Closes cleanly on SIGTERM/SIGINT.
import { buildApp } from './api/app.js';
import { loadConfig } from './config.js';
import { SlipwayError } from './errors.js';
import { openServices } from './services.js';

async function main(): Promise<void> {
  const config = loadConfig();
  const services = openServices(config);
  const app = await buildApp(services);
  const stop = async () => {
    await app.close();
    await services.close();
    process.exit(0);
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
  const address = await app.listen({ host: config.host, port: config.port });
  app.log.info({ address, publicUrl: config.publicUrl }, 'slipway api listening');
}

main().catch((error: unknown) => {
  const message = error instanceof SlipwayError ? `${error.code}: ${error.message}` : error instanceof Error ? error.stack : String(error);
  process.stderr.write(`slipway api failed to start: ${message}\n`);
  process.exit(1);
});
