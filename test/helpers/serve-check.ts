import type Docker from 'dockerode';
import { freePort } from './containers.js';

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
