// Where bench/rollout-detection's pods run, and what its releases are made of: kwok nodes with a
// scripted crash loop, or the REAL node with small images built on the local Node.js stand-in.
import { randomBytes } from 'node:crypto';
import type { Config } from '../../src/config.js';
import { openDockerCli, type DockerCli } from './docker-cli.js';
import { WEB_SERVER } from './progressive-rounds.js';
import type { RealNode } from './real-node.js';

const CRASH_LOOP = { 'slipway.test/behaviour': 'crash-loop' };
const BAD_LINE = 'bench rollout-detection: exiting 1 on purpose';

export interface Mode {
  kwok: boolean;
  where: string;
  /** Payloads of POST /apps/:app/releases: the good release, then the failing one. */
  good(): Record<string, unknown>;
  bad(): Record<string, unknown>;
  /** The progressive rows' image (progressive-rounds.ts WEB_SERVER), by digest: real node only (kwok pods answer nothing). */
  web?: string;
  close(): Promise<void>;
}

/** A digest that names no real image: kwok never pulls, and a digest is what Slipway deploys. */
const fakeImage = () => `127.0.0.1:5000/x@sha256:${randomBytes(32).toString('hex')}`;

export const kwokMode = (): Mode => ({
  kwok: true,
  where: 'local control plane + kwok (crash loop scripted by annotation)',
  good: () => ({ image: fakeImage() }),
  bad: () => ({ image: fakeImage(), deploy: { podAnnotations: CRASH_LOOP } }),
  close: async () => undefined,
});

/**
 * Images on the local Node.js stand-in (already on the real node: the env's smoke check and
 * real-node suite pull it), pushed to the test registry and deployed by digest: a server that
 * listens on $PORT, a command that prints a line and exits 1, and (progressive rows) a server that
 * answers 500 to every page when BENCH_FAIL=1. USER 1001: app namespaces enforce Pod Security
 * `restricted` (runAsNonRoot needs a numeric non-root user). The Dockerfiles have no RUN step:
 * building them starts no container.
 */
export async function realNodeMode(params: { config: Config; run: string; node: RealNode }): Promise<Mode> {
  const { config, run, node } = params;
  const base = `${config.builderImages === 'local' ? 'slipway-local/' : ''}node:20-bookworm-slim`;
  const repository = `${config.registry.host}/bench-rd-images`;
  const server = `require('http').createServer((q, s) => s.end('ok')).listen(Number(process.env.PORT || 8080), () => console.log('listening'))`;
  const docker: DockerCli = await openDockerCli(config.registry, config.buildNetwork);
  try {
    const image = async (tag: string, cmd: string[]) => {
      const dockerfile = `FROM ${base}\nLABEL org.opencontainers.image.title="bench rollout-detection ${tag}"\nUSER 1001\nCMD ${JSON.stringify(cmd)}\n`;
      await docker.build({ tags: [`${repository}:${tag}`], dockerfile });
      return docker.push(`${repository}:${tag}`);
    };
    const good = await image(`good-${run}`, ['node', '-e', server]);
    const bad = await image(`bad-${run}`, ['sh', '-c', `echo '${BAD_LINE}'; exit 1`]);
    const web = await image(`web-${run}`, ['node', '-e', WEB_SERVER]);
    return {
      kwok: false,
      where: `local control plane, real node ${node.name} (kubelet + containerd; the process really exits 1)`,
      good: () => ({ image: good }),
      bad: () => ({ image: bad }),
      web,
      close: () => docker.close(),
    };
  } catch (error) {
    await docker.close();
    throw error;
  }
}
