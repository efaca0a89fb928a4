// The API process: read config, open connections, listen; close cleanly on SIGTERM/SIGINT.
import { buildApp } from './api/app.js';
import { loadConfig } from './config.js';
import { runProcess } from './process-entry.js';
import { openServices } from './services.js';

runProcess({
  name: 'slipway api',
  main: async () => {
    const config = loadConfig();
    const services = openServices(config);
    const app = await buildApp(services);
    const address = await app.listen({ host: config.host, port: config.port });
    app.log.info({ address, publicUrl: config.publicUrl }, 'slipway api listening');
    return {
      stop: async () => {
        await app.close();
        await services.close();
      },
    };
  },
});
