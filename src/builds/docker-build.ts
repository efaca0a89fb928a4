import type Docker from 'dockerode';
import type { Readable } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';

interface BuildMessage {
  stream?: string;
  status?: string;
  error?: string;
  errorDetail?: { message?: string };
  aux?: { ID?: string; Digest?: string };
}

/** A JSON line of docker's progress stream longer than this is not docker's: the stream is refused. */
const MAX_MESSAGE_BYTES = 4 * 1024 * 1024;

/**
 * Follows a docker progress stream (one JSON message a line), handing each message on;
 * rejects on an `error` message. Unlike docker-modem's followProgress, it keeps no message
 * once handed on: a build step that prints forever costs the worker no memory.
 */
export function followProgress(params: { docker: Docker; stream: NodeJS.ReadableStream; onMessage: (m: BuildMessage) => void }): Promise<void> {
  const { stream, onMessage } = params;
  return new Promise((resolve, reject) => {
    const decoder = new StringDecoder('utf8');
    let buffered = '';
    let failure: BuildMessage | undefined;
    let done = false;
    const finish = (error?: Error) => {
      if (done) return;
      done = true;
      stream.removeListener('data', onData);
      if (error) return reject(error);
      if (failure) return reject(new Error(failure.errorDetail?.message ?? failure.error));
      resolve();
    };
    const handle = (line: string) => {
      const text = line.trim();
      if (!text) return;
      const message = JSON.parse(text) as BuildMessage;
      if (message.error && !failure) failure = message;
      onMessage(message);
    };
    const onData = (chunk: Buffer | string) => {
      buffered += typeof chunk === 'string' ? chunk : decoder.write(chunk);
      try {
        let newline: number;
        while ((newline = buffered.indexOf('\n')) >= 0) {
          const line = buffered.slice(0, newline);
          buffered = buffered.slice(newline + 1);
          handle(line);
        }
        if (buffered.length > MAX_MESSAGE_BYTES) throw new Error(`docker sent a progress message over ${MAX_MESSAGE_BYTES} bytes`);
      } catch (error) {
        (stream as NodeJS.ReadableStream & { destroy?: () => void }).destroy?.();
        finish(error as Error);
      }
    };
    stream.on('data', onData);
    stream.once('error', (error: Error) => finish(error));
    const end = () => {
      try {
        handle(buffered + decoder.end());
      } catch (error) {
        return finish(error as Error);
      }
      finish();
    };
    stream.once('end', end);
    stream.once('close', end);
  });
}

/**
 * Builds an image from a context archive. Every RUN step runs on `network`, the build network
 * (deploy/build-network.sh): the internet through NAT, nothing of the host or private ranges.
 * Returns the image id.
 */
export async function dockerBuild(params: {
  docker: Docker;
  context: Readable;
  dockerfile: string;
  tags: string[];
  buildArgs: Record<string, string>;
  labels: Record<string, string>;
  network: string;
  /** Images (already pulled) whose layers may stand in for steps, as `docker build --cache-from`. */
  cacheFrom?: string[];
  /**
   * Output as it comes: the build's steps in pieces that may cut a line (or a secret) anywhere,
   * so join them into lines before masking (log-lines.ts); docker's own messages as whole lines.
   */
  onOutput: (text: string) => void;
  signal?: AbortSignal;
}): Promise<string> {
  const { docker, context, dockerfile, tags, buildArgs, labels, network, onOutput, signal } = params;
  const cacheFrom = params.cacheFrom ?? [];
  const [first, ...rest] = tags;
  const stream = await docker.buildImage(context, {
    t: first,
    dockerfile,
    buildargs: buildArgs,
    labels,
    networkmode: network,
    forcerm: true,
    // The engine wants a JSON array; docker-modem would send an array as repeated parameters.
    ...(cacheFrom.length ? { cachefrom: JSON.stringify(cacheFrom) } : {}),
    abortSignal: signal,
  });
  let imageId = '';
  await followProgress({
    docker,
    stream,
    onMessage: (m) => {
      if (m.aux?.ID) imageId = m.aux.ID;
      if (m.stream) onOutput(m.stream);
      else if (m.status ?? m.error) onOutput(`${m.status ?? m.error}\n`);
    },
  });
  if (!imageId) imageId = (await docker.getImage(first!).inspect()).Id;
  for (const tag of rest) {
    const [repo, version] = splitTag(tag);
    await docker.getImage(imageId).tag({ repo, tag: version });
  }
  return imageId;
}

/** `host:5000/app:tag` → [`host:5000/app`, `tag`]; the port colon is not the tag colon. */
export function splitTag(reference: string): [string, string] {
  const at = reference.lastIndexOf(':');
  if (at <= reference.lastIndexOf('/')) return [reference, 'latest'];
  return [reference.slice(0, at), reference.slice(at + 1)];
}
