import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { closeSync, openSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import type { Config } from '../../src/config.js';
import { testConfig } from './config.js';
import { killHard, spawnApi, spawnWorker } from './processes.js';
import { waitFor } from './wait.js';

// issue 17: a Slipway install as REAL processes (N APIs, N build workers, N deploy workers)
// behind a Redis of its own, so a test can SIGKILL any of them (or Redis) by pid, the way a
// power cut or the OOM killer stops a process, and start it again. Every process writes its
// stdout and stderr to a file under `logDir`, read after a run to tell what happened.

const REDIS_SERVER = '/usr/bin/redis-server';
const START_TIMEOUT_MS = 60_000;

export type Role = 'api' | 'build' | 'deploy';

/** One Slipway process slot: restarted in place (same role, port and work dir) after a kill. */
interface Member {
  role: Role;
  index: number;
  /** APIs only: the port it listens on, the same after every restart. */
  port?: number;
  child: ChildProcess;
}

export interface SlipwayCluster {
  /** The install's config as a test reads it: the own Redis, the prefix, the work dir. */
  config: Config;
  /** Where every process's log is (one file per process slot and start). */
  logDir: string;
  /** Base URLs of the API processes (`http://127.0.0.1:<port>`), dead or alive. */
  apiUrls: string[];
  /** SIGKILLs one Slipway process chosen at random and starts it again; says which. */
  killRandom(): Promise<string>;
  /** SIGKILLs Redis, waits `downMs` and starts it again on the same port and AOF directory. */
  killRedis(downMs?: number): Promise<void>;
  /** How many processes were killed, by role (`redis` included). */
  kills: Record<Role | 'redis', number>;
  /** Processes that exited without being killed here (each was started again), for the report. */
  exits: string[];
  /** Stops everything (SIGKILL: nothing here needs a clean shutdown) and removes the temp dir. */
  stop(options?: { keepLogs?: boolean }): Promise<void>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** A redis-server of the cluster's own: AOF `everysec`, no RDB snapshots, a password, loopback only. */
function startRedis(params: { port: number; password: string; dir: string; logFd: number }): ChildProcess {
  const { port, password, dir } = params;
  return spawn(
    REDIS_SERVER,
    ['--port', String(port), '--bind', '127.0.0.1', '--requirepass', password, '--dir', dir, '--appendonly', 'yes', '--appendfsync', 'everysec', '--save', '', '--daemonize', 'no'],
    { stdio: ['ignore', params.logFd, params.logFd] },
  );
}

async function redisAnswers(url: string): Promise<void> {
  await waitFor({
    timeoutMs: START_TIMEOUT_MS,
    intervalMs: 100,
    check: async () => {
      const client = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
      // Refused until Redis listens: the rejected connect() says so; the event need not.
      client.on('error', () => undefined);
      try {
        await client.connect();
        // After a restart Redis answers LOADING until the AOF is read back in.
        return (await client.ping()) === 'PONG' ? true : undefined;
      } catch {
        return undefined;
      } finally {
        client.disconnect();
      }
    },
    message: () => `redis at ${url.replace(/:[^:@]*@/, ':***@')} did not answer`,
  });
}

async function apiAnswers(url: string): Promise<void> {
  await waitFor({
    timeoutMs: START_TIMEOUT_MS,
    intervalMs: 250,
    check: async () => ((await fetch(`${url}/healthz`).then((r) => r.ok, () => false)) ? true : undefined),
    message: () => `the API at ${url} did not answer /healthz`,
  });
}

/**
 * Starts `replicas` API processes, build workers and deploy workers (each role as many) on a
 * Redis of their own. `env` is added to every Slipway process's environment.
 */
export async function startSlipwayCluster(params: { replicas: number; env?: Record<string, string> }): Promise<SlipwayCluster> {
  const root = await mkdtemp(path.join(os.tmpdir(), 'slipway-cluster-'));
  const logDir = path.join(root, 'logs');
  await mkdir(logDir, { recursive: true });
  const redisPort = await freePort();
  const password = randomBytes(18).toString('base64url');
  const redisUrl = `redis://:${password}@127.0.0.1:${redisPort}`;
  const env = {
    SLIPWAY_REDIS_URL: redisUrl,
    SLIPWAY_PREFIX: `chaos-${randomUUID().slice(0, 8)}`,
    // A dead worker's job is taken over after about this long (BullMQ's stalled-job check).
    SLIPWAY_JOB_LOCK_MS: '5000',
    SLIPWAY_LOG_LEVEL: 'info',
    // As testConfig: kwok's simulated pods cannot answer a verification request.
    SLIPWAY_VERIFY_RELEASES: 'false',
    ...params.env,
  };
  const config = testConfig({ ...env, SLIPWAY_WORK_DIR: path.join(root, 'work') });
  // The child gets its own copy of the descriptor; the parent's is closed at once.
  const withLog = <T>(name: string, start: (logFd: number) => T): T => {
    const fd = openSync(path.join(logDir, `${name}.log`), 'a');
    try {
      return start(fd);
    } finally {
      closeSync(fd);
    }
  };
  const launchRedis = () => withLog('redis', (logFd) => startRedis({ port: redisPort, password, dir: root, logFd }));

  let redis = launchRedis();
  await redisAnswers(redisUrl);
  let stopping = false;
  const exits: string[] = [];
  const killedHere = new WeakSet<ChildProcess>();

  const launch = (member: Omit<Member, 'child'>): ChildProcess => {
    const name = `${member.role}-${member.index}`;
    // Each process has a work dir of its own, as replicas on different machines would.
    const memberConfig = { ...config, workDir: path.join(root, 'work', name) };
    const memberEnv = { ...env, SLIPWAY_WORK_DIR: memberConfig.workDir };
    return withLog(name, (logFd) =>
      member.role === 'api'
        ? spawnApi({ config: memberConfig, port: member.port!, logFd, env: memberEnv })
        : spawnWorker({ kind: member.role as 'build' | 'deploy', config: memberConfig, logFd, env: memberEnv }),
    );
  };
  // A process that exits without being killed here (it failed to start, say, while Redis was
  // down) is noted and started again, as a supervisor (systemd, a Deployment) would.
  const start = (member: Member) => {
    const child = launch(member);
    member.child = child;
    child.once('exit', (code, signal) => {
      if (stopping || member.child !== child || killedHere.has(child)) return;
      exits.push(`${member.role}-${member.index} (pid ${child.pid}) exited by itself: ${signal ?? `code ${code}`}`);
      setTimeout(() => {
        if (!stopping && member.child === child) start(member);
      }, 1000);
    });
  };
  const members: Member[] = [];
  for (const role of ['api', 'build', 'deploy'] as const) {
    for (let index = 0; index < params.replicas; index++) {
      // Its child is set by start(), and again at every restart.
      const member = { role, index, ...(role === 'api' ? { port: await freePort() } : {}) } as Member;
      start(member);
      members.push(member);
    }
  }
  const stop = async (options: { keepLogs?: boolean } = {}) => {
    stopping = true;
    for (const member of members) await killHard(member.child);
    if (redis.exitCode === null && redis.signalCode === null) {
      const exited = new Promise<void>((resolve) => redis.once('exit', () => resolve()));
      process.kill(redis.pid!, 'SIGKILL');
      await exited;
    }
    if (options.keepLogs) await rm(path.join(root, 'work'), { recursive: true, force: true });
    else await rm(root, { recursive: true, force: true });
  };
  const apiUrls = members.filter((m) => m.role === 'api').map((m) => `http://127.0.0.1:${m.port}`);
  try {
    for (const url of apiUrls) await apiAnswers(url);
  } catch (error) {
    await stop({ keepLogs: true });
    throw new Error(`${(error as Error).message} (process logs in ${logDir})`);
  }
  const kills: SlipwayCluster['kills'] = { api: 0, build: 0, deploy: 0, redis: 0 };

  return {
    config,
    logDir,
    apiUrls,
    kills,
    exits,
    async killRandom() {
      const member = members[Math.floor(Math.random() * members.length)]!;
      const pid = member.child.pid;
      killedHere.add(member.child);
      await killHard(member.child);
      kills[member.role]++;
      start(member);
      return `${member.role}-${member.index} (pid ${pid}) killed, restarted as pid ${member.child.pid}`;
    },
    async killRedis(downMs = 1000) {
      const exited = new Promise<void>((resolve) => redis.once('exit', () => resolve()));
      process.kill(redis.pid!, 'SIGKILL');
      await exited;
      kills.redis++;
      await new Promise((r) => setTimeout(r, downMs));
      redis = launchRedis();
      await redisAnswers(redisUrl);
    },
    stop,
  };
}
