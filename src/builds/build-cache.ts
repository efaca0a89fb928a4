import type Docker from 'dockerode';
import type { Readable } from 'node:stream';
import { followProgress } from './docker-build.js';
import type { RegistryAuth } from './registry-push.js';

/**
 * The dependency stage of an S2I build, pushed beside the app's images. The classic builder
 * only reuses layers it has locally, and a multi-stage image carries none of its builder
 * stages, so without this a fresh worker would reinstall every dependency.
 */
export function depsCacheReference(repository: string): string {
  return `${repository}:cache-deps`;
}

/**
 * Pulls the images a build may take layers from. One that is not in the registry yet (the
 * app's first build) is skipped with a line in the log, never an error.
 */
export async function pullCacheSources(params: { docker: Docker; references: string[]; auth: RegistryAuth; onLine: (line: string) => void }): Promise<string[]> {
  const { docker, references, auth, onLine } = params;
  const pulled: string[] = [];
  for (const reference of references) {
    try {
      const stream = await docker.pull(reference, { authconfig: auth.username ? auth : undefined });
      await followProgress({ docker, stream, onMessage: () => undefined });
      pulled.push(reference);
      onLine(`--> Cache source ${reference}`);
    } catch (error) {
      onLine(`--> No cache from ${reference}: ${firstLine(error)}`);
    }
  }
  return pulled;
}

/** Tags the `deps` stage of an S2I build (already built, so every step is a cache hit). */
export async function tagDepsStage(params: {
  docker: Docker;
  context: Readable;
  dockerfile: string;
  buildArgs: Record<string, string>;
  reference: string;
  network: string;
}): Promise<void> {
  const { docker, context, dockerfile, buildArgs, reference, network } = params;
  const stream = await docker.buildImage(context, { t: reference, dockerfile, buildargs: buildArgs, target: 'deps', networkmode: network, forcerm: true });
  await followProgress({ docker, stream, onMessage: () => undefined });
}

function firstLine(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split('\n')[0]!;
}
