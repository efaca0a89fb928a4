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

/**
 * Runs `image` on the host network with PORT set, waits until it answers HTTP on 127.0.0.1,
 * returns the parsed JSON answer, and removes the container.
 */
export async function runAndFetch(params: { docker: Docker; image: string; timeoutMs?: number }): Promise<{ body: Record<string, unknown>; user: string }> {
  const { docker, image } = params;
  const port = await freePort();
  const container = await docker.createContainer({ Image: image, Env: [`PORT=${port}`], HostConfig: { NetworkMode: 'host' } });
  try {
    await container.start();
    const deadline = Date.now() + (params.timeoutMs ?? 30_000);
    for (;;) {
      try {
        const res = await fetch(`http://127.0.0.1:${port}/`);
        const info = await container.inspect();
        return { body: (await res.json()) as Record<string, unknown>, user: info.Config.User };
      } catch (error) {
        const state = (await container.inspect()).State;
        if (!state.Running || Date.now() > deadline) {
          const logs = await container.logs({ stdout: true, stderr: true });
          throw new Error(`${image} did not answer on port ${port} (running: ${state.Running}, exit ${state.ExitCode}): ${String(error)}\n${logs.toString()}`);
        }
        await new Promise((r) => setTimeout(r, 200));
      }
    }
  } finally {
    await container.remove({ force: true });
  }
}
