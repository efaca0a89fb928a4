// The docker CLI as a user runs it for the benchmarks' by-hand baselines: `docker login` to the
// test registry with the install's credentials (in a DOCKER_CONFIG of its own, removed at the end),
// `docker build`, `docker push`, and the pushed digest. The engine is the test env's (DOCKER_HOST).
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

export interface DockerCli {
  run(args: string[], input?: string): Promise<string>;
  /** `docker build` of `context` (or of a Dockerfile given on stdin when `dockerfile` is set) tagged `tags`. */
  build(params: { tags: string[]; context?: string; dockerfile?: string; noCache?: boolean }): Promise<void>;
  /** `docker push` of `tag`; returns `repository@sha256:...` as the registry now serves it. */
  push(tag: string): Promise<string>;
  /** Removes the local images tagged by this CLI's builds and its docker config. */
  close(): Promise<void>;
}

const TIMEOUT_MS = 10 * 60_000;

export async function openDockerCli(registry: { host: string; username?: string; password?: string }, network: string): Promise<DockerCli> {
  const config = await mkdtemp(path.join(os.tmpdir(), 'bench-docker-'));
  const tagged = new Set<string>();
  const run = (args: string[], input?: string) =>
    new Promise<string>((resolve, reject) => {
      const child = execFile(
        'docker',
        args,
        { env: { ...process.env, DOCKER_CONFIG: config }, maxBuffer: 64 * 1024 * 1024, timeout: TIMEOUT_MS, killSignal: 'SIGKILL' },
        (error, stdout, stderr) => (error ? reject(new Error(`docker ${args[0]} failed: ${String(stderr || error.message).trim()}`)) : resolve(stdout.trim())),
      );
      child.stdin!.end(input ?? '');
    });
  const server = registry.host.split('/')[0]!;
  if (registry.username && registry.password) await run(['login', '-u', registry.username, '--password-stdin', server], registry.password);
  return {
    run,
    async build(params) {
      const tags = params.tags.flatMap((t) => ['-t', t]);
      // On Slipway's fenced build network, as Slipway's own builds: a RUN step reaches the package
      // registries and nothing of this machine's (never the host network).
      const args = ['build', '-q', '--network', network, ...(params.noCache ? ['--no-cache'] : []), ...tags];
      for (const t of params.tags) tagged.add(t);
      await (params.dockerfile !== undefined ? run([...args, '-'], params.dockerfile) : run([...args, params.context ?? '.']));
    },
    async push(tag) {
      await run(['push', '-q', tag]);
      const repository = tag.slice(0, tag.lastIndexOf(':'));
      const digests = (await run(['image', 'inspect', '--format', '{{join .RepoDigests "\\n"}}', tag])).split('\n');
      const found = digests.find((d) => d.startsWith(`${repository}@sha256:`));
      if (!found) throw new Error(`docker push ${tag}: no digest of ${repository} among ${digests.join(', ')}`);
      return found;
    },
    async close() {
      for (const t of tagged) await run(['image', 'rm', '-f', t]).catch(() => undefined);
      await rm(config, { recursive: true, force: true });
    },
  };
}

