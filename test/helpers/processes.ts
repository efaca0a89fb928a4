import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import type { Config } from '../../src/config.js';
import { TEST_TOKEN } from './config.js';

const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../..');

/**
 * Runs a real worker process (workers/<kind>-worker.ts through tsx) on a test's config, so a
 * test can kill it by pid. Its output goes to the test's stderr only on failure paths.
 */
export function spawnWorker(params: { kind: 'build' | 'deploy'; config: Config; env?: Record<string, string> }): ChildProcess {
  const { kind, config } = params;
  return spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, `workers/${kind}-worker.ts`)], {
    cwd: ROOT,
    stdio: ['ignore', 'ignore', 'pipe'],
    env: {
      ...process.env,
      SLIPWAY_API_TOKEN: TEST_TOKEN,
      SLIPWAY_PREFIX: config.prefix,
      SLIPWAY_WORK_DIR: config.workDir,
      SLIPWAY_LOG_LEVEL: 'warn',
      SLIPWAY_JOB_LOCK_MS: String(config.jobLockMs),
      ...params.env,
    },
  });
}

/** SIGKILLs a process and waits until it is gone. */
export async function killHard(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  process.kill(child.pid!, 'SIGKILL');
  await exited;
}
