import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import Docker from 'dockerode';
import { waitFor } from './wait.js';

export interface SecondDocker {
  docker: Docker;
  stop(): Promise<void>;
}

// The second engine's build network: a bridge, subnet and iptables chain of its own beside test/env's.
const BUILD_NETWORK = { SLIPWAY_BUILD_BRIDGE: 'slipway-sd0', SLIPWAY_BUILD_SUBNET: '10.252.0.0/24', SLIPWAY_BUILD_CHAIN: 'SLIPWAY-SD-EGRESS' };
const REPO_ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../..');

/**
 * A second, empty Docker engine: a build worker on a fresh machine. It has only the images
 * copied into it, so any layer it reuses came from the registry. Same flags as test/env's, and
 * its builds are fenced the same way (deploy/build-network.sh).
 */
export async function startSecondDocker(params: { images: string[]; from: Docker }): Promise<SecondDocker> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'sd-'));
  const socket = path.join(dir, 'docker.sock');
  const daemon: ChildProcess = spawn(
    'dockerd',
    ['--bridge=none', '--iptables=true', '--ip6tables=false', '--ip-masq=true', '--host', `unix://${socket}`, '--data-root', path.join(dir, 'data'),
      '--exec-root', path.join(dir, 'exec'), '--pidfile', path.join(dir, 'dockerd.pid'), '--storage-driver', 'overlay2'],
    { stdio: 'ignore' },
  );
  const docker = new Docker({ socketPath: socket });
  const exited = new Promise<void>((resolve) => daemon.once('exit', () => resolve()));
  await waitFor({ timeoutMs: 60_000, check: async () => (await docker.ping().then(() => true).catch(() => undefined)), message: () => `second dockerd did not answer on ${socket}` });
  execFileSync('bash', [path.join(REPO_ROOT, 'deploy/build-network.sh')], { env: { ...process.env, DOCKER_HOST: `unix://${socket}`, ...BUILD_NETWORK }, stdio: 'ignore' });
  for (const image of params.images) {
    const archive = await params.from.getImage(image).get();
    const stream = await docker.loadImage(archive);
    await new Promise((resolve, reject) => docker.modem.followProgress(stream, (err) => (err ? reject(err) : resolve(undefined))));
  }
  return {
    docker,
    async stop() {
      daemon.kill('SIGTERM');
      await exited;
      // dockerd leaves its network namespace bind-mounted under the exec root, and its build
      // network's bridge and rules on the host.
      for (const mount of mountsUnder(dir)) execFileSync('umount', ['-l', mount]);
      removeBuildNetwork();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

function mountsUnder(dir: string): string[] {
  return readFileSync('/proc/self/mounts', 'utf8')
    .split('\n')
    .map((line) => line.split(' ')[1] ?? '')
    .filter((mount) => mount.startsWith(`${dir}/`))
    .sort((a, b) => b.length - a.length);
}

function removeBuildNetwork(): void {
  const { SLIPWAY_BUILD_BRIDGE: bridge, SLIPWAY_BUILD_CHAIN: chain } = BUILD_NETWORK;
  const quiet = (args: string[]) => {
    try {
      execFileSync(args[0]!, args.slice(1), { stdio: 'ignore' });
    } catch {
      // already gone
    }
  };
  quiet(['iptables', '-D', 'DOCKER-USER', '-i', bridge, '-j', chain]);
  quiet(['iptables', '-D', 'INPUT', '-i', bridge, '-j', 'REJECT', '--reject-with', 'icmp-admin-prohibited']);
  quiet(['iptables', '-F', chain]);
  quiet(['iptables', '-X', chain]);
  quiet(['ip', 'link', 'delete', bridge]);
}
