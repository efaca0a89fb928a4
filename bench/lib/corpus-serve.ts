// Runs a corpus image as OpenShift's restricted SCC would: an arbitrary uid with group 0
// (`1000780000:0`), on Slipway's build network (never the host's), and asks it one HTTP question.
//
// The host cannot reach the build network (test/env rejects every packet from its bridge to this
// host) and containers on it cannot reach each other, so everything that talks shares one network
// namespace, as containers of one pod do: the database (when the entry has one) is started first
// and the app joins its namespace (it reaches the database on 127.0.0.1); the HTTP question is
// asked by a probe in the same namespace, at the app's own address (not loopback, so an app
// listening on 127.0.0.1 only fails here as it would behind a Service), with bash's /dev/tcp from
// the Debian stand-in (test/helpers/containers.ts asks the same way).
// A Procfile `release:` command runs first in a container of its own (same user, env and
// namespace, its own filesystem), as Slipway's pre-deploy hook Job and Heroku's release dyno do.
import type Docker from 'dockerode';
import { choosePreHook } from '../../src/releases/hooks/release-phase.js';
import type { CorpusDatabase } from './corpus-entries.js';

export const ARBITRARY_USER = '1000780000:0';
const RELEASE_TIMEOUT_MS = 300_000;
const DATABASE_READY_MS = 60_000;
const POLL_MS = 500;

export interface ServeOutcome {
  /** The HTTP status the app answered, if it answered. */
  status?: number;
  /** Why there was no answer, or what the release phase came to: `CODE: first line`. */
  failure?: { code: string; message: string };
  /** Seconds from the app's start to its first answer. */
  startSeconds?: number;
  release?: { command: string; exitCode: number };
  /** The app's last output lines (for the JSON results). */
  logTail: string[];
}

/** The database's settings as the sclorg templates, Heroku and Django/Rails samples read them. */
function databaseEnv(kind: CorpusDatabase): { server: string[]; app: Record<string, string> } {
  const [user, password, name] = ['corpus', 'corpus-password', 'corpus'];
  if (kind !== 'postgresql') throw new Error(`no database kind ${kind as string}`);
  return {
    server: [`POSTGRES_USER=${user}`, `POSTGRES_PASSWORD=${password}`, `POSTGRES_DB=${name}`, `POSTGRESQL_USER=${user}`, `POSTGRESQL_PASSWORD=${password}`, `POSTGRESQL_DATABASE=${name}`],
    app: {
      DATABASE_URL: `postgres://${user}:${password}@127.0.0.1:5432/${name}`,
      // OpenShift's *-psql-example templates: the Service name, its host/port variables, the credentials.
      DATABASE_SERVICE_NAME: 'postgresql',
      POSTGRESQL_SERVICE_HOST: '127.0.0.1',
      POSTGRESQL_SERVICE_PORT: '5432',
      DATABASE_ENGINE: 'postgresql',
      DATABASE_NAME: name,
      DATABASE_USER: user,
      DATABASE_PASSWORD: password,
      POSTGRESQL_USER: user,
      POSTGRESQL_PASSWORD: password,
      POSTGRESQL_DATABASE: name,
    },
  };
}

export async function serveImage(params: {
  docker: Docker;
  image: string;
  network: string;
  probeImage: string;
  databaseImage?: string;
  port: number;
  path: string;
  host?: string;
  env: Record<string, string>;
  database?: CorpusDatabase;
  releaseCommand?: string;
  startTimeoutMs: number;
}): Promise<ServeOutcome> {
  const { docker } = params;
  const started: Docker.Container[] = [];
  const create = async (options: Docker.ContainerCreateOptions) => {
    const c = await docker.createContainer(options);
    started.push(c);
    await c.start();
    return c;
  };
  try {
    let networkMode = params.network;
    let env: Record<string, string> = { PORT: String(params.port), ...params.env };
    if (params.database) {
      if (!params.databaseImage) return { failure: { code: 'CORPUS_NO_DATABASE_IMAGE', message: 'SLIPWAY_TEST_POSTGRESQL_IMAGE is not set (source ~/.cache/slipway/state/env.sh)' }, logTail: [] };
      const db = databaseEnv(params.database);
      const server = await create({ Image: params.databaseImage, Env: db.server, HostConfig: { NetworkMode: params.network } });
      const ready = await waitUntil(DATABASE_READY_MS, async () => (await execRun(server, ['pg_isready', '-h', '127.0.0.1', '-p', '5432'])).code === 0);
      if (!ready) return { failure: { code: 'CORPUS_DATABASE_NOT_READY', message: `${params.database} did not accept connections in ${DATABASE_READY_MS / 1000} s` }, logTail: await logTail(server) };
      networkMode = `container:${server.id}`;
      env = { ...db.app, ...env };
    }
    const Env = Object.entries(env).map(([k, v]) => `${k}=${v}`);

    let release: ServeOutcome['release'];
    if (params.releaseCommand) {
      const { hook } = choosePreHook({ releaseCommand: params.releaseCommand });
      const job = await create({ Image: params.image, Entrypoint: hook!.command, Cmd: [], Env, User: ARBITRARY_USER, HostConfig: { NetworkMode: networkMode } });
      const exit = await Promise.race([job.wait() as Promise<{ StatusCode: number }>, delay(RELEASE_TIMEOUT_MS).then(() => ({ StatusCode: -1 }))]);
      release = { command: params.releaseCommand, exitCode: exit.StatusCode };
      if (exit.StatusCode !== 0) {
        const tail = await logTail(job);
        return { release, failure: { code: 'CORPUS_RELEASE_FAILED', message: `release: ${params.releaseCommand} exited ${exit.StatusCode}: ${telling(tail)}` }, logTail: tail };
      }
    }

    const app = await create({ Image: params.image, Env, User: ARBITRARY_USER, HostConfig: { NetworkMode: networkMode } });
    const info = await app.inspect();
    const address = params.database
      ? Object.values((await started[0]!.inspect()).NetworkSettings.Networks)[0]?.IPAddress
      : info.NetworkSettings.Networks[params.network]?.IPAddress;
    if (!address) return { release, failure: { code: 'CORPUS_NO_ADDRESS', message: `no address on ${params.network}` }, logTail: [] };
    const probe = await create({ Image: params.probeImage, Cmd: ['sleep', 'infinity'], HostConfig: { NetworkMode: `container:${app.id}` } });
    const start = Date.now();
    for (;;) {
      const status = await httpStatus({ probe, address, port: params.port, path: params.path, host: params.host ?? address });
      if (status !== undefined) return { status, release, startSeconds: (Date.now() - start) / 1000, logTail: await logTail(app) };
      const state = (await app.inspect()).State;
      if (!state.Running) {
        const tail = await logTail(app);
        return { release, failure: { code: 'CORPUS_APP_EXITED', message: `exited ${state.ExitCode}: ${telling(tail)}` }, logTail: tail };
      }
      if (Date.now() - start > params.startTimeoutMs) {
        const tail = await logTail(app);
        return { release, failure: { code: 'CORPUS_NO_ANSWER', message: `nothing answered on ${address}:${params.port} in ${params.startTimeoutMs / 1000} s: ${telling(tail)}` }, logTail: tail };
      }
      await delay(POLL_MS);
    }
  } finally {
    for (const c of started.reverse()) await c.remove({ force: true }).catch(() => undefined);
  }
}

/**
 * The line of a log that says most: the last one naming an error, else the last one. Lines that
 * only say a step failed (Slipway's `-->` lines, docker's "The command ... returned a non-zero
 * code") are passed over: the tool's own error is the one to read.
 */
export function telling(raw: string[]): string {
  // Docker's classic builder colours stderr (ESC[91m ... ESC[0m): strip it before reading.
  const lines = raw.map((l) => l.replace(/\x1b\[[0-9;]*m/g, ''));
  // A builder step that knows why it failed says so on a `slipway-failure CODE: ...` line.
  const marked = [...lines].reverse().find((l) => l.includes('slipway-failure '));
  if (marked) return marked.slice(marked.indexOf('slipway-failure ') + 'slipway-failure '.length).trim().slice(0, 300);
  const errorLine = [...lines]
    .reverse()
    .find((l) => /error|exception|fatal|denied|not found|could not|cannot|failed|traceback/i.test(l) && !/^\s*at |^-->|returned a non-zero code/.test(l.trim()));
  return (errorLine ?? lines.at(-1) ?? '(no output)').trim().slice(0, 300);
}

/** One HTTP/1.0 GET through the probe; undefined while nothing listens or nothing whole came back. */
async function httpStatus(params: { probe: Docker.Container; address: string; port: number; path: string; host: string }): Promise<number | undefined> {
  const script = 'exec 3<>"/dev/tcp/$ADDRESS/$PORT" || exit 7; printf "GET %s HTTP/1.0\\r\\nHost: %s\\r\\n\\r\\n" "$TARGET" "$HOST" >&3; head -c 64 <&3';
  const { code, output } = await execRun(params.probe, ['timeout', '20', 'bash', '-c', script], [`ADDRESS=${params.address}`, `PORT=${params.port}`, `TARGET=${params.path}`, `HOST=${params.host}`]);
  const status = /^HTTP\/1\.[01] (\d{3})/.exec(output.toString())?.[1];
  return code === 0 && status ? Number(status) : undefined;
}

async function waitUntil(timeoutMs: number, check: () => Promise<boolean>): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return true;
    await delay(POLL_MS);
  }
  return false;
}

const delay = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function logTail(container: Docker.Container, lines = 40): Promise<string[]> {
  const raw = await container.logs({ stdout: true, stderr: true, tail: lines }).catch(() => Buffer.alloc(0));
  return Buffer.concat(demux(raw)).toString().split('\n').filter((l) => l.trim());
}

/** Without a TTY, docker multiplexes stdout and stderr: an 8-byte header before each chunk. */
function demux(raw: Buffer): Buffer[] {
  const out: Buffer[] = [];
  for (let at = 0; at + 8 <= raw.length; at += 8 + raw.readUInt32BE(at + 4)) out.push(raw.subarray(at + 8, at + 8 + raw.readUInt32BE(at + 4)));
  return out;
}

async function execRun(container: Docker.Container, cmd: string[], env?: string[]): Promise<{ code: number; output: Buffer }> {
  const exec = await container.exec({ Cmd: cmd, Env: env, AttachStdout: true, AttachStderr: true });
  const stream = await exec.start({ hijack: true, stdin: false });
  const raw: Buffer[] = [];
  for await (const chunk of stream) raw.push(chunk as Buffer);
  const { ExitCode } = await exec.inspect();
  return { code: ExitCode ?? -1, output: Buffer.concat(demux(Buffer.concat(raw))) };
}
