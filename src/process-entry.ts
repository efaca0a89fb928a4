import { SlipwayError } from './errors.js';

/**
 * Runs a process's main function: a start-up failure (bad config, say) prints one line
 * naming the problem and exits 1; `stop` runs once on the first SIGTERM or SIGINT.
 */
export function runProcess(params: { name: string; main: () => Promise<{ stop: () => Promise<void> }> }): void {
  const { name, main } = params;
  main().then(
    ({ stop }) => {
      let stopping: Promise<void> | undefined;
      const onSignal = () => {
        stopping ??= stop().then(() => process.exit(0), (error: unknown) => {
          process.stderr.write(`${name} failed to stop cleanly: ${String(error)}\n`);
          process.exit(1);
        });
      };
      process.on('SIGTERM', onSignal);
      process.on('SIGINT', onSignal);
    },
    (error: unknown) => {
      const message = error instanceof SlipwayError ? `${error.code}: ${error.message}` : error instanceof Error ? error.stack : String(error);
      process.stderr.write(`${name} failed to start: ${message}\n`);
      process.exit(1);
    },
  );
}
