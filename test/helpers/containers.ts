import net from 'node:net';
import type Docker from 'dockerode';

/** A free TCP port on 127.0.0.1, for a container on the host network. */
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
  body: string;
  /** Config.User of the running container (the image's USER). */
  configUser: string;
  /** `id -u` of a process in the running container. */
  uid: string;
}

/**
 * Runs `image` on the host network with PORT set to a free port, polls GET / until it
 * answers or the container exits, reads who it runs as, and removes the container.
 */
export async function serveCheck(params: { docker: Docker; image: string; timeoutMs?: number }): Promise<Served> {
  const { docker, image } = params;
  const port = await freePort();
  const container = await docker.createContainer({ Image: image, Env: [`PORT=${port}`], HostConfig: { NetworkMode: 'host' } });
  try {
    await container.start();
    const deadline = Date.now() + (params.timeoutMs ?? 60_000);
    for (;;) {
      try {
        const res = await fetch(`http://127.0.0.1:${port}/`);
        const body = await res.text();
        const info = await container.inspect();
        return { body, configUser: info.Config.User, uid: await execOutput(container, ['id', '-u']) };
      } catch (error) {
        const state = (await container.inspect()).State;
        if (!state.Running || Date.now() > deadline) {
          const logs = await container.logs({ stdout: true, stderr: true });
          throw new Error(`${image} did not answer on port ${port} (running: ${state.Running}, exit ${state.ExitCode}): ${String(error)}\n${logs.toString()}`);
        }
        await new Promise((r) => setTimeout(r, 250));
      }
    }
  } finally {
    await container.remove({ force: true });
  }
}

/** A command's output in a running container; a TTY keeps the stream unmultiplexed. */
async function execOutput(container: Docker.Container, cmd: string[]): Promise<string> {
  const exec = await container.exec({ Cmd: cmd, AttachStdout: true, AttachStderr: true, Tty: true });
  const stream = await exec.start({ hijack: true, stdin: false, Tty: true });
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString().trim();
}

/** serveCheck for apps that answer JSON: the parsed answer and the image's USER. */
export async function runAndFetch(params: { docker: Docker; image: string; timeoutMs?: number }): Promise<{ body: Record<string, unknown>; user: string }> {
  const served = await serveCheck(params);
  return { body: JSON.parse(served.body) as Record<string, unknown>, user: served.configUser };
}
