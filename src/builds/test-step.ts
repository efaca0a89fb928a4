import type Docker from 'dockerode';
import { PassThrough } from 'node:stream';

export interface PostCommit {
  script?: string;
  command?: string[];
  args?: string[];
}

/**
 * The post-build test step (OpenShift's BuildConfig `postCommit`): runs in a container of the
 * freshly built image, on the host network, before anything is pushed. `script` runs with
 * /bin/sh -c; `command` replaces the entrypoint; `args` alone go to the image's entrypoint.
 * Returns the exit code; the container is always removed.
 */
export async function runTestStep(params: { docker: Docker; image: string; postCommit: PostCommit; onLine: (line: string) => void; signal?: AbortSignal }): Promise<number> {
  const { docker, image, postCommit, onLine } = params;
  const run = postCommit.script
    ? { Entrypoint: ['/bin/sh', '-c'], Cmd: [postCommit.script] }
    : postCommit.command
      ? { Entrypoint: postCommit.command, Cmd: postCommit.args ?? [] }
      : { Cmd: postCommit.args ?? [] };
  const container = await docker.createContainer({ Image: image, ...run, HostConfig: { NetworkMode: 'host' } });
  try {
    const stream = await container.attach({ stream: true, stdout: true, stderr: true });
    const out = new PassThrough();
    let partial = '';
    out.on('data', (chunk: Buffer) => {
      const lines = (partial + chunk.toString('utf8')).split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines) onLine(line);
    });
    container.modem.demuxStream(stream, out, out);
    await container.start();
    params.signal?.addEventListener('abort', () => void container.kill().catch(() => undefined));
    const { StatusCode } = (await container.wait()) as { StatusCode: number };
    if (partial) onLine(partial);
    return StatusCode;
  } finally {
    await container.remove({ force: true }).catch(() => undefined);
  }
}
