import type Docker from 'dockerode';
import { PassThrough } from 'node:stream';

/** How long the output may trail the container's exit before the step stops waiting for it. */
const OUTPUT_DRAIN_MS = 5000;

export interface PostCommit {
  script?: string;
  command?: string[];
  args?: string[];
}

/**
 * The post-build test step (OpenShift's BuildConfig `postCommit`): runs in a container of the
 * freshly built image, on the build network, before anything is pushed. `script` runs with
 * /bin/sh -c; `command` replaces the entrypoint; `args` alone go to the image's entrypoint.
 * Returns the exit code; the container is always removed.
 *
 * Its output goes to `onOutput` as it comes, in pieces (join them with log-lines.ts, which
 * also cuts an endless line): nothing here holds more than one piece.
 */
export async function runTestStep(params: {
  docker: Docker;
  image: string;
  network: string;
  postCommit: PostCommit;
  onOutput: (text: string) => void;
  signal?: AbortSignal;
}): Promise<number> {
  const { docker, image, network, postCommit, onOutput } = params;
  const run = postCommit.script
    ? { Entrypoint: ['/bin/sh', '-c'], Cmd: [postCommit.script] }
    : postCommit.command
      ? { Entrypoint: postCommit.command, Cmd: postCommit.args ?? [] }
      : { Cmd: postCommit.args ?? [] };
  const container = await docker.createContainer({ Image: image, ...run, HostConfig: { NetworkMode: network } });
  try {
    const stream = await container.attach({ stream: true, stdout: true, stderr: true });
    const out = new PassThrough();
    // A character cut between two chunks is joined again, not turned into U+FFFD.
    out.setEncoding('utf8');
    out.on('data', (text: string) => onOutput(text));
    container.modem.demuxStream(stream, out, out);
    const drained = new Promise<void>((resolve) => {
      stream.once('end', resolve);
      stream.once('close', resolve);
    });
    await container.start();
    params.signal?.addEventListener('abort', () => void container.kill().catch(() => undefined));
    const { StatusCode } = (await container.wait()) as { StatusCode: number };
    // The exit can be reported before the last output has come through the attach stream.
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([drained, new Promise<void>((resolve) => (timer = setTimeout(resolve, OUTPUT_DRAIN_MS)))]);
    clearTimeout(timer);
    return StatusCode;
  } finally {
    await container.remove({ force: true }).catch(() => undefined);
  }
}
