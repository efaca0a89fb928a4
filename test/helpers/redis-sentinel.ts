import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import { killHard } from './processes.js';
import { waitFor } from './wait.js';

const REDIS_SERVER = '/usr/bin/redis-server';
const HOST = '127.0.0.1';
// Long enough that a loaded 2-core machine does not make a sentinel lose sight of a live primary
// (at 1000 ms one did, right after a failover, and failed over again with the primary up).
const DOWN_AFTER_MS = 3000;

/** A Redis primary, its replicas and the sentinels watching them: real processes of its own, on loopback. */
export interface SentinelSet {
  /** The name the sentinels monitor the primary by. */
  name: string;
  /** The variables that point Slipway at this set; SLIPWAY_REDIS_URL names an address nothing listens on. */
  env: Record<string, string>;
  /** The data nodes' ports, primary first (as started; failovers do not reorder them). */
  ports: number[];
  /** Where the sentinels' majority says the primary is now. */
  primaryPort(): Promise<number>;
  /** Every sentinel reports `port` as the primary; fails with what they say at the deadline. */
  waitForPrimary(port: number, timeoutMs?: number): Promise<void>;
  /** Returns once every connected replica (at least one) has acknowledged every write the primary took before this call. */
  waitReplicated(): Promise<void>;
  /** SIGKILLs the data node on `port` (no shutdown, no final AOF write). */
  kill(port: number): Promise<void>;
  /** SIGKILLs the current primary and waits until every sentinel names a promoted replica. */
  killPrimary(): Promise<{ killed: number; promoted: number }>;
  /** `SENTINEL FAILOVER` with the primary alive; waits until every sentinel names the promoted replica. */
  failover(): Promise<{ demoted: number; promoted: number }>;
  /** The role the data node on `port` reports (`master` or `slave`). */
  role(port: number): Promise<string | undefined>;
  close(): Promise<void>;
}

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, HOST, resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

async function ask<T>(params: { port: number; password: string; run: (r: Redis) => Promise<T> }): Promise<T | undefined> {
  const client = new Redis({ host: HOST, port: params.port, password: params.password, lazyConnect: true, retryStrategy: () => null, maxRetriesPerRequest: 0 });
  client.on('error', () => undefined);
  try {
    await client.connect();
    return await params.run(client);
  } catch {
    return undefined;
  } finally {
    client.disconnect();
  }
}

/**
 * Starts a primary (AOF on), `replicas` replicas and `sentinels` sentinels (quorum: a majority),
 * with passwords on the data nodes and on the sentinels, and waits until the sentinels know
 * every replica and each other, so that a failover can happen.
 */
export async function startSentinelSet(params: { replicas?: number; sentinels?: number } = {}): Promise<SentinelSet> {
  const replicaCount = params.replicas ?? 2;
  const sentinelCount = params.sentinels ?? 3;
  const name = 'mymaster';
  const password = randomBytes(12).toString('hex');
  const sentinelPassword = randomBytes(12).toString('hex');
  const dir = await mkdtemp(path.join(os.tmpdir(), 'slipway-sentinel-'));
  const processes = new Map<number, ChildProcess>();
  const start = (port: number, args: string[]) => {
    const child = spawn(REDIS_SERVER, args, { stdio: 'ignore' });
    processes.set(port, child);
  };

  const ports: number[] = [];
  for (let i = 0; i <= replicaCount; i++) ports.push(await freePort());
  for (const [i, port] of ports.entries()) {
    const nodeDir = path.join(dir, `node-${port}`);
    await mkdir(nodeDir);
    start(port, [
      '--port', String(port), '--bind', HOST, '--dir', nodeDir, '--logfile', path.join(dir, `node-${port}.log`),
      '--appendonly', 'yes', '--appendfsync', 'everysec', '--save', '',
      '--requirepass', password, '--masterauth', password,
      ...(i === 0 ? [] : ['--replicaof', HOST, String(ports[0])]),
    ]);
  }
  const sentinelPorts: number[] = [];
  for (let i = 0; i < sentinelCount; i++) sentinelPorts.push(await freePort());
  const quorum = Math.floor(sentinelCount / 2) + 1;
  for (const port of sentinelPorts) {
    // A sentinel rewrites its own config file, so each has one, in the set's directory.
    const conf = path.join(dir, `sentinel-${port}.conf`);
    await writeFile(conf, [
      `port ${port}`, `bind ${HOST}`, `dir ${dir}`, `logfile ${path.join(dir, `sentinel-${port}.log`)}`,
      `requirepass ${sentinelPassword}`, `sentinel sentinel-pass ${sentinelPassword}`,
      `sentinel monitor ${name} ${HOST} ${ports[0]} ${quorum}`,
      `sentinel auth-pass ${name} ${password}`,
      `sentinel down-after-milliseconds ${name} ${DOWN_AFTER_MS}`,
      `sentinel failover-timeout ${name} 5000`,
      '',
    ].join('\n'));
    start(port, [conf, '--sentinel']);
  }

  const askSentinel = <T>(port: number, run: (r: Redis) => Promise<T>) => ask({ port, password: sentinelPassword, run });
  const masterAddr = (port: number) => askSentinel(port, async (r) => (await r.call('SENTINEL', 'get-master-addr-by-name', name)) as [string, string] | null);

  const set: SentinelSet = {
    name,
    ports,
    env: {
      SLIPWAY_REDIS_URL: `redis://:${password}@127.0.0.1:1/0`,
      SLIPWAY_REDIS_SENTINELS: sentinelPorts.map((p) => `${HOST}:${p}`).join(','),
      SLIPWAY_REDIS_SENTINEL_NAME: name,
      SLIPWAY_REDIS_SENTINEL_PASSWORD: sentinelPassword,
    },
    async primaryPort() {
      const votes = new Map<number, number>();
      for (const port of sentinelPorts) {
        const addr = await masterAddr(port);
        if (addr) votes.set(Number(addr[1]), (votes.get(Number(addr[1])) ?? 0) + 1);
      }
      const [best] = [...votes].sort((a, b) => b[1] - a[1]);
      if (!best || best[1] < quorum) throw new Error(`the sentinels do not agree on a primary: ${JSON.stringify([...votes])}`);
      return best[0];
    },
    async waitForPrimary(port, timeoutMs = 60_000) {
      let said: unknown[] = [];
      await waitFor({
        timeoutMs,
        intervalMs: 250,
        check: async () => {
          said = await Promise.all(sentinelPorts.map(masterAddr));
          const role = await ask({ port, password, run: async (r) => (await r.call('ROLE')) as [string] });
          return said.every((a) => Array.isArray(a) && Number(a[1]) === port) && role?.[0] === 'master' ? true : undefined;
        },
        message: () => `sentinels say the primary is ${JSON.stringify(said)}, waiting for port ${port}`,
      });
    },
    async waitReplicated() {
      // A replica still catching up (a full resync on a loaded machine) acknowledges late: ask
      // again until every replica has, for up to a minute (CI once saw one miss a single 10 s WAIT).
      let result: { replicas: number; acked: number } | undefined;
      await waitFor({
        timeoutMs: 60_000,
        intervalMs: 250,
        check: async () => {
          const primary = await set.primaryPort();
          result = await ask({
            port: primary,
            password,
            // WAIT counts replicas that acknowledged this client's writes, and the replication stream
            // is one stream: a write made now is acknowledged only after everything before it.
            run: async (r) => {
              const replicas = ((await r.call('ROLE')) as [string, number, unknown[]])[2].length;
              await r.set('sentinel-test:replication-mark', Date.now());
              return { replicas, acked: (await r.call('WAIT', String(replicas), '10000')) as number };
            },
          });
          return result?.replicas && result.acked === result.replicas ? true : undefined;
        },
        message: () => `the primary's writes were not all acknowledged by its replicas: ${JSON.stringify(result)}`,
      });
    },
    async kill(port) {
      const child = processes.get(port);
      if (!child) throw new Error(`no redis-server of this set listens on ${port}`);
      await killHard(child);
    },
    async killPrimary() {
      const killed = await set.primaryPort();
      await set.kill(killed);
      const promoted = await waitFor({
        timeoutMs: 60_000,
        intervalMs: 250,
        check: async () => {
          const port = await set.primaryPort().catch(() => undefined);
          return port !== undefined && port !== killed ? port : undefined;
        },
        message: () => `no replica was promoted after primary ${killed} was killed`,
      });
      await set.waitForPrimary(promoted);
      return { killed, promoted };
    },
    async failover() {
      const demoted = await set.primaryPort();
      await askSentinel(sentinelPorts[0]!, (r) => r.call('SENTINEL', 'failover', name));
      const promoted = await waitFor({
        timeoutMs: 60_000,
        intervalMs: 100,
        check: async () => {
          const port = await set.primaryPort().catch(() => undefined);
          return port !== undefined && port !== demoted ? port : undefined;
        },
        message: () => `no replica was promoted after SENTINEL FAILOVER of ${demoted}`,
      });
      await set.waitForPrimary(promoted);
      return { demoted, promoted };
    },
    async role(port) {
      return (await ask({ port, password, run: async (r) => (await r.call('ROLE')) as [string] }))?.[0];
    },
    async close() {
      for (const child of processes.values()) await killHard(child);
      await rm(dir, { recursive: true, force: true });
    },
  };

  try {
    // Ready when the replicas are in sync and every sentinel knows every replica and the other sentinels.
    await waitFor({
      timeoutMs: 60_000,
      intervalMs: 250,
      check: async () => {
        for (const port of ports.slice(1)) {
          const info = await ask({ port, password, run: (r) => r.info('replication') });
          if (!info?.includes('master_link_status:up')) return undefined;
        }
        for (const port of sentinelPorts) {
          const known = await askSentinel(port, async (r) => ({
            replicas: ((await r.call('SENTINEL', 'replicas', name)) as string[][]).filter((fields) => !fields.join(' ').includes('s_down')).length,
            sentinels: ((await r.call('SENTINEL', 'sentinels', name)) as unknown[]).length,
          }));
          if (!known || known.replicas < replicaCount || known.sentinels < sentinelCount - 1) return undefined;
        }
        return true;
      },
      message: () => `the sentinel set in ${dir} did not come up (see its *.log files)`,
    });
  } catch (error) {
    await set.close();
    throw error;
  }
  return set;
}
