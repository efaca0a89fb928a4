import type Docker from 'dockerode';
import { followProgress, splitTag } from './docker-build.js';

export interface RegistryAuth {
  serveraddress: string;
  username?: string;
  password?: string;
}

/**
 * Pushes one tag and returns the manifest digest the registry reported (`aux.Digest`):
 * deploys use that digest, never the mutable tag.
 */
export async function pushTag(params: { docker: Docker; reference: string; auth: RegistryAuth; onLine: (line: string) => void }): Promise<string> {
  const { docker, reference, auth, onLine } = params;
  const [repo, tag] = splitTag(reference);
  const authconfig = auth.username ? auth : undefined;
  const stream = await docker.getImage(repo).push({ tag, authconfig });
  let digest = '';
  await followProgress({
    docker,
    stream,
    onMessage: (m) => {
      if (m.aux?.Digest) digest = m.aux.Digest;
      if (m.status && !/^(Preparing|Waiting|Pushing|Layer already exists|Mounted from)/.test(m.status)) onLine(m.status);
    },
  });
  if (!/^sha256:[0-9a-f]{64}$/.test(digest)) throw new Error(`registry did not report a digest for ${reference}`);
  return digest;
}
