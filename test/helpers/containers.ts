import net from 'node:net';
import type Docker from 'dockerode';
import { resolveImage } from '../../src/builds/builder-definition.js';
import { testConfig } from './config.js';

/** A free TCP port on 127.0.0.1. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

export interface Served {
  status: number;
  body: string;
  /** Config.User of the running container (the image's USER, or `user` when given). */
  configUser: string;
  /** `id -u` of a process in the running container. */
  uid: string;
  /** `id -g` of a process in the running container. */
  gid: string;
  /** PID 1's command line, arguments space-separated: the server itself when it was `exec`ed. */
  pid1: string;
  /** The container's output up to the answer (e.g. a migration's lines). */
  logs: string;
}

/** The port apps listen on in serveCheck: each container has an address of its own. */
const PORT = 8080;

/**
 * Runs `image` on the build network (a user-defined bridge, config.buildNetwork) with PORT set,
 * as `user` (default: the image's USER; e.g. `1000780000:0`, an arbitrary uid with group 0 as
 * OpenShift's restricted SCC assigns), polls GET `path` at the container's own address until it
 * answers or the container exits, reads who it runs as, and removes the container.
 *
 * The host may not reach the build network (every packet from its bridge to this host is
 * rejected, test/env), so the request is made by a probe sharing the app's network namespace:
 * bash's /dev/tcp from the Debian stand-in, to the app's address, not loopback, so an app
 * listening on 127.0.0.1 only fails here as it would in a pod.
 */
export async function serveCheck(params: { docker: Docker; image: string; user?: string; env?: Record<string, string>; path?: string; timeoutMs?: number }): Promise<Served> {
  const { docker, image } = params;
  const config = testConfig();
  const env = Object.entries({ PORT: String(PORT), ...params.env }).map(([name, value]) => `${name}=${value}`);
  const container = await docker.createContainer({
    Image: image,
    Env: env,
    ...(params.user ? { User: params.user } : {}),
    HostConfig: { NetworkMode: config.buildNetwork },
  });
  let probe: Docker.Container | undefined;
  try {
    await container.start();
    const address = (await container.inspect()).NetworkSettings.Networks[config.buildNetwork]?.IPAddress;
    if (!address) throw new Error(`${image}: no address on ${config.buildNetwork}`);
    probe = await docker.createContainer({
      Image: resolveImage('debian:bookworm-slim', config.builderImages),
      Cmd: ['sleep', 'infinity'],
      HostConfig: { NetworkMode: `container:${container.id}` },
    });
    await probe.start();
    const deadline = Date.now() + (params.timeoutMs ?? 60_000);
    for (;;) {
      const reply = await httpGet({ probe, address, path: params.path ?? '/' });
      if (reply) {
        const info = await container.inspect();
        const [uid, gid] = [await execOutput(container, ['id', '-u']), await execOutput(container, ['id', '-g'])];
        const pid1 = (await execRun(container, { cmd: ['cat', '/proc/1/cmdline'] })).output.toString().replace(/\0+$/, '').replaceAll('\0', ' ');
        return { ...reply, configUser: info.Config.User, uid, gid, pid1, logs: await containerLogs(container) };
      }
      const state = (await container.inspect()).State;
      if (!state.Running || Date.now() > deadline) {
        throw new Error(`${image} did not answer on ${address}:${PORT} (running: ${state.Running}, exit ${state.ExitCode})\n${await containerLogs(container)}`);
      }
      await new Promise((r) => setTimeout(r, 250));
    }
  } finally {
    await probe?.remove({ force: true });
    await container.remove({ force: true });
  }
}

/**
 * One HTTP/1.0 GET through the probe (the server closes the connection after its answer, so
 * no chunked bodies); undefined while nothing listens.
 */
async function httpGet(params: { probe: Docker.Container; address: string; path: string }): Promise<{ status: number; body: string } | undefined> {
  const script = 'exec 3<>"/dev/tcp/$ADDRESS/$PORT" || exit 7; printf "GET %s HTTP/1.0\\r\\nHost: %s\\r\\n\\r\\n" "$TARGET" "$ADDRESS" >&3; cat <&3';
  const { code, output } = await execRun(params.probe, {
    cmd: ['timeout', '10', 'bash', '-c', script],
    env: [`ADDRESS=${params.address}`, `PORT=${PORT}`, `TARGET=${params.path}`],
  });
  if (code !== 0) return undefined;
  const text = output.toString();
  const split = text.indexOf('\r\n\r\n');
  const status = /^HTTP\/1\.[01] (\d{3})/.exec(text)?.[1];
  if (split < 0 || !status) return undefined;
  return { status: Number(status), body: text.slice(split + 4) };
}

async function containerLogs(container: Docker.Container): Promise<string> {
  const frames = demux(await container.logs({ stdout: true, stderr: true }));
  return Buffer.concat(frames.map((f) => f.data)).toString();
}

/** Without a TTY, docker multiplexes stdout (1) and stderr (2): an 8-byte header before each chunk. */
function demux(raw: Buffer): { stream: number; data: Buffer }[] {
  const frames: { stream: number; data: Buffer }[] = [];
  for (let at = 0; at + 8 <= raw.length; at += 8 + raw.readUInt32BE(at + 4)) {
    frames.push({ stream: raw[at]!, data: raw.subarray(at + 8, at + 8 + raw.readUInt32BE(at + 4)) });
  }
  return frames;
}

/** A command's exit code and stdout in a running container (stderr dropped). */
async function execRun(container: Docker.Container, params: { cmd: string[]; env?: string[] }): Promise<{ code: number; output: Buffer }> {
  const exec = await container.exec({ Cmd: params.cmd, Env: params.env, AttachStdout: true, AttachStderr: true });
  const stream = await exec.start({ hijack: true, stdin: false });
  const raw: Buffer[] = [];
  for await (const chunk of stream) raw.push(chunk as Buffer);
  const stdout = demux(Buffer.concat(raw)).filter((f) => f.stream === 1).map((f) => f.data);
  const { ExitCode } = await exec.inspect();
  return { code: ExitCode ?? -1, output: Buffer.concat(stdout) };
}

async function execOutput(container: Docker.Container, cmd: string[]): Promise<string> {
  return (await execRun(container, { cmd })).output.toString().trim();
}

/** Runs `cmd` in a container of `image` (no network) to its end; its exit code and output. */
export async function runOnce(params: { docker: Docker; image: string; cmd: string[] }): Promise<{ code: number; output: string }> {
  const container = await params.docker.createContainer({ Image: params.image, Cmd: params.cmd, HostConfig: { NetworkMode: 'none' } });
  try {
    await container.start();
    const { StatusCode } = (await container.wait()) as { StatusCode: number };
    return { code: StatusCode, output: await containerLogs(container) };
  } finally {
    await container.remove({ force: true });
  }
}

/** serveCheck for apps that answer JSON: the parsed answer and the image's USER. */
export async function runAndFetch(params: { docker: Docker; image: string; timeoutMs?: number }): Promise<{ body: Record<string, unknown>; user: string }> {
  const served = await serveCheck(params);
  return { body: JSON.parse(served.body) as Record<string, unknown>, user: served.configUser };
}
