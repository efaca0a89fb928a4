import { execFile } from 'node:child_process';
import path from 'node:path';
import { TEST_TOKEN } from './config.js';

const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../..');

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the real `slipway` CLI (its TypeScript sources, through tsx) as a separate process. */
export function slipway(args: string[], env: Record<string, string>, timeoutMs = 600_000): Promise<CliResult> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', path.join(ROOT, 'src/cli/main.ts'), ...args],
      { cwd: ROOT, env: { PATH: process.env.PATH!, HOME: process.env.HOME!, SLIPWAY_CLI_CONFIG: '/nonexistent', ...env }, timeout: timeoutMs },
      (error, stdout, stderr) => resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

/** What points the CLI at `api`: it listens on a free loopback port, and the CLI uses the test token. */
export async function cliEnv(api: { listen(options: { host: string; port: number }): Promise<string> }): Promise<Record<string, string>> {
  return { SLIPWAY_URL: await api.listen({ host: '127.0.0.1', port: 0 }), SLIPWAY_TOKEN: TEST_TOKEN };
}
