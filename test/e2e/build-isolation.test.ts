import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import net from 'node:net';
import os from 'node:os';
import { promisify } from 'node:util';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/api/app.js';
import { createBuildWorker } from '../../src/builds/build-worker.js';
import { createLogger } from '../../src/logger.js';
import { startTestApi, type TestApi } from '../helpers/api.js';
import { testKubeConfig } from '../helpers/cluster.js';
import { pipeline } from '../helpers/pipeline.js';

// A build runs code anyone with push access wrote. Its RUN steps run on the build network
// (deploy/build-network.sh): the package registries through NAT, and nothing of this machine or
// of private ranges. The hostile fixture (test/fixtures/apps/build-escape) tries every service
// of the platform and a decoy on this machine's own interface address; the decoys also count
// what reached them. Only addresses of this machine are probed: the private, link-local and
// metadata ranges are proven closed by reading the rules, never by sending traffic there.
const logger = createLogger({ name: 'build-isolation-test', level: 'warn' });
const run = promisify(execFile);
let t: TestApi;
let worker: ReturnType<typeof createBuildWorker>;
let p: ReturnType<typeof pipeline>;
let listening: FastifyInstance;
const decoys: net.Server[] = [];

/** This machine's own non-loopback IPv4 address (not one of the bridges Docker or tests make). */
function hostAddress(): string {
  const found = Object.entries(os.networkInterfaces())
    .filter(([name]) => !/^(lo|docker|br-|slipway-br|veth|cni)/.test(name))
    .flatMap(([, addresses]) => addresses ?? [])
    .find((a) => a.family === 'IPv4' && !a.internal);
  if (!found) throw new Error('this machine has no non-loopback IPv4 address to put a decoy on');
  return found.address;
}

/** A TCP server that counts who connects to it. */
async function decoy(host: string): Promise<{ port: number; hits: string[] }> {
  const hits: string[] = [];
  const server = net.createServer((socket) => {
    hits.push(String(socket.remoteAddress));
    socket.destroy();
  });
  decoys.push(server);
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  return { port: (server.address() as net.AddressInfo).port, hits };
}

beforeAll(async () => {
  t = await startTestApi();
  worker = createBuildWorker({ services: t.services, logger });
  void worker.run();
  p = pipeline(() => t);
  // The real API, listening on every address, as a deployment of Slipway beside its builds would.
  listening = await buildApp(t.services, { logger: false });
  await listening.listen({ host: '0.0.0.0', port: 0 });
});

afterAll(async () => {
  await worker?.close();
  await listening?.close();
  for (const server of decoys) server.close();
  await p?.cleanup();
  await t?.close();
});

test("a build step reaches none of the platform's services nor this machine, and still reaches the package registries", async () => {
  const host = hostAddress();
  const onHost = await decoy(host);
  const anywhere = await decoy('0.0.0.0');
  const network = await t.services.docker.getNetwork(t.config.buildNetwork).inspect();
  // The bridge's own address on the build network: the subnet's first host (docker's default gateway).
  const gateway = (network.IPAM?.Config?.[0]?.Subnet as string).replace(/\.0\/\d+$/, '.1');
  const redisPort = new URL(t.config.redisUrl).port;
  const apiPort = (listening.server.address() as net.AddressInfo).port;
  const kubeApi = new URL(testKubeConfig().getCurrentCluster()!.server);
  const registryPort = t.config.registry.host.split(':')[1] ?? '5000';
  const blocked = {
    redis: `127.0.0.1:${redisPort}`,
    'redis-via-host-address': `${host}:${redisPort}`,
    api: `127.0.0.1:${apiPort}`,
    'api-via-host-address': `${host}:${apiPort}`,
    'api-via-gateway': `${gateway}:${apiPort}`,
    registry: `127.0.0.1:${registryPort}`,
    'registry-via-host-address': `${host}:${registryPort}`,
    'kube-apiserver': `${kubeApi.hostname}:${kubeApi.port}`,
    'host-service-decoy': `${host}:${onHost.port}`,
    'any-address-decoy-via-gateway': `${gateway}:${anywhere.port}`,
    'any-address-decoy-via-host-address': `${host}:${anywhere.port}`,
  };
  // The control: without it, a network that reached nothing at all would pass this test.
  const control = { 'npm-registry': 'registry.npmjs.org:443' };
  const probes = Object.entries({ ...blocked, ...control }).map(([name, target]) => `${name}=${target}`).join(' ');

  const app = await p.newApp('build-escape', { buildArgs: { PROBES: probes, NONCE: randomUUID() } });
  const build = await p.build(app);
  const log = await p.log(build.id);
  if (build.state !== 'succeeded') throw new Error(`build ${build.state}: ${JSON.stringify(build.failure)}\n${log}`);
  for (const [name, target] of Object.entries(blocked)) expect(log).toContain(`probe ${name} ${target}: blocked`);
  expect(log).toContain(`probe npm-registry ${control['npm-registry']}: REACHED`);
  expect(onHost.hits).toEqual([]);
  expect(anywhere.hits).toEqual([]);
}, 300_000);

test('the build network rejects private, link-local (metadata), CGNAT and loopback destinations and every packet to this host', async () => {
  const network = await t.services.docker.getNetwork(t.config.buildNetwork).inspect();
  const bridge = network.Options?.['com.docker.network.bridge.name'];
  expect(bridge).toBeTruthy();
  expect(network.Internal).toBe(false); // NAT out to the registries stays on
  const rules = (await run('iptables', ['-S', 'SLIPWAY-BUILD-EGRESS'])).stdout;
  for (const cidr of ['169.254.0.0/16', '10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', '100.64.0.0/10', '127.0.0.0/8']) {
    expect(rules).toContain(`-A SLIPWAY-BUILD-EGRESS -d ${cidr} -j REJECT`);
  }
  // What is let through before the rejections: the host's nameservers on port 53, and single
  // addresses from the allow-list (here: where the package registries answer), never a range.
  for (const line of rules.split('\n').filter((l) => l.includes('-j RETURN') && l.includes(' -d '))) {
    expect(line).toMatch(/ -d (\S+)\/32 (-p (udp|tcp) -m (udp|tcp) --dport 53 )?-j RETURN$/);
    expect(line).not.toMatch(/ -d (169\.254|127\.)/);
  }
  expect((await run('iptables', ['-S', 'DOCKER-USER'])).stdout).toContain(`-A DOCKER-USER -i ${bridge} -j SLIPWAY-BUILD-EGRESS`);
  expect((await run('iptables', ['-S', 'INPUT'])).stdout).toContain(`-A INPUT -i ${bridge} -j REJECT`);
});

test('a post-build test runs on the build network too', async () => {
  const app = await p.newApp('build-escape', {
    buildArgs: { PROBES: '', NONCE: randomUUID() },
    postCommit: { script: `timeout 5 bash -c 'exec 3<>/dev/tcp/127.0.0.1/${new URL(t.config.redisUrl).port}' && echo "redis reach""ed" || echo "redis block""ed"` },
  });
  const build = await p.build(app);
  const log = await p.log(build.id);
  if (build.state !== 'succeeded') throw new Error(`build ${build.state}: ${JSON.stringify(build.failure)}\n${log}`);
  // Split quotes: the script's own text (logged too) never matches a result line.
  expect(log.split('\n')).toContain('redis blocked');
  expect(log.split('\n')).not.toContain('redis reached');
}, 300_000);
