import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import type { Config } from '../../src/config.js';
import { TEST_TOKEN } from './config.js';

const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../..');

/**
 * Runs a real worker process (workers/<kind>-worker.ts through tsx) on a test's config, so a
 * test can kill it by pid. Its output goes to the test's stderr only on failure paths.
 */
export function spawnWorker(params: { kind: 'build' | 'deploy'; config: Config; env?: Record<string, string>; logFd?: number }): ChildProcess {
  const { kind, config } = params;
  return spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, `workers/${kind}-worker.ts`)], {
    cwd: ROOT,
    // issue 17: with `logFd` (an open file) both streams go there, for reading after a chaos run.
    stdio: params.logFd === undefined ? ['ignore', 'ignore', 'pipe'] : ['ignore', params.logFd, params.logFd],
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

/**
 * Runs a real API process (src/main.ts through tsx) on a test's config, listening on
 * 127.0.0.1:`port`, its stdout and stderr in the open file `logFd` (issue 17, many replicas).
 */
export function spawnApi(params: { config: Config; port: number; logFd: number; env?: Record<string, string> }): ChildProcess {
  const { config } = params;
  return spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'src/main.ts')], {
    cwd: ROOT,
    stdio: ['ignore', params.logFd, params.logFd],
    env: {
      ...process.env,
      SLIPWAY_API_TOKEN: TEST_TOKEN,
      SLIPWAY_REDIS_URL: config.redisUrl,
      SLIPWAY_PREFIX: config.prefix,
      SLIPWAY_WORK_DIR: config.workDir,
      SLIPWAY_HOST: '127.0.0.1',
      SLIPWAY_PORT: String(params.port),
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
