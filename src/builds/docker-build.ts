import type Docker from 'dockerode';
import type { Readable } from 'node:stream';

interface BuildMessage {
  stream?: string;
  status?: string;
  error?: string;
  errorDetail?: { message?: string };
  aux?: { ID?: string; Digest?: string };
}

/** Follows a docker progress stream, handing each message on; rejects on an `error` message. */
export function followProgress(params: { docker: Docker; stream: NodeJS.ReadableStream; onMessage: (m: BuildMessage) => void }): Promise<BuildMessage[]> {
  const { docker, stream, onMessage } = params;
  return new Promise((resolve, reject) => {
    docker.modem.followProgress(
      stream,
      (err: Error | null, output: BuildMessage[]) => {
        if (err) return reject(err);
        const failed = output.find((m) => m.error);
        if (failed) return reject(new Error(failed.errorDetail?.message ?? failed.error));
        resolve(output);
      },
      (message: BuildMessage) => {
        onMessage(message);
      },
    );
  });
}

/**
 * Builds an image from a context archive with host networking (no default bridge exists
 * here, and builds reach package registries through the host). Returns the image id.
 */
export async function dockerBuild(params: {
  docker: Docker;
  context: Readable;
  dockerfile: string;
  tags: string[];
  buildArgs: Record<string, string>;
  labels: Record<string, string>;
  /** Images (already pulled) whose layers may stand in for steps, as `docker build --cache-from`. */
  cacheFrom?: string[];
  onLine: (line: string) => void;
  signal?: AbortSignal;
}): Promise<string> {
  const { docker, context, dockerfile, tags, buildArgs, labels, onLine, signal } = params;
  const cacheFrom = params.cacheFrom ?? [];
  const [first, ...rest] = tags;
  const stream = await docker.buildImage(context, {
    t: first,
    dockerfile,
    buildargs: buildArgs,
    labels,
    networkmode: 'host',
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
      const text = m.stream ?? m.status ?? m.error;
      if (text) for (const line of text.split('\n')) if (line.trim()) onLine(line.replace(/\s+$/, ''));
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
