import { execFile } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { chmodSync, chownSync, copyFileSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { Redis } from 'ioredis';
import type { Build } from '../../src/store/types.js';
import { publishFixture, type PublishedRepo } from '../helpers/git-fixture.js';
import { pushPayload, signedDelivery } from '../helpers/github.js';
import { waitFor } from '../helpers/wait.js';

// docker-compose.yml as a user runs it: Debian's docker-compose builds Slipway's image and
// Redis and registry images (from the local stand-ins), starts the stack on the host network,
// and a signed webhook through it builds and pushes an image; `down` keeps the volumes. What it
// must hold to besides: no container runs as root, only the build worker reaches the Docker
// engine (as a member of the socket's group), each container holds only the secrets it uses,
// Redis wants its password, builds run on the isolated build network (deploy/build-network.sh,
// run here as the compose instructions say), and /readyz follows the workers' heartbeats.
const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../..');
const run = promisify(execFile);
const project = `slipway-compose-${randomUUID().slice(0, 6)}`;
const secrets = {
  token: `compose-token-${randomUUID()}`,
  registry: `compose-registry-${randomUUID().slice(0, 8)}`,
  redis: randomBytes(16).toString('hex'),
  key: randomBytes(32).toString('base64'),
};
const ports = { api: 8091, redis: 6391, registry: 5001 };
const envFile = path.join(os.tmpdir(), `${project}.env`);
const api = `http://127.0.0.1:${ports.api}`;
const auth = { authorization: `Bearer ${secrets.token}`, 'content-type': 'application/json' };
// The engine the tests use (test/env/start.sh made its build network) is the one compose builds on.
const dockerSocket = new URL(process.env.DOCKER_HOST!).pathname;
const kubeDir = mkdtempSync(path.join(os.tmpdir(), `${project}-kube-`));
const repos: PublishedRepo[] = [];

const compose = (...args: string[]) =>
  run('docker-compose', ['-p', project, '--env-file', envFile, ...args], { cwd: ROOT, env: process.env, timeout: 900_000, maxBuffer: 64 * 1024 * 1024 });
const docker = async (...args: string[]) => (await run('docker', args, { env: process.env, maxBuffer: 16 * 1024 * 1024 })).stdout.trim();

type Inspected = { Config: { User: string; Env: string[] }; HostConfig: { CapDrop: string[] | null; GroupAdd: string[] | null; SecurityOpt: string[] | null }; Mounts: Array<{ Destination: string }> };
const containers = new Map<string, { id: string; inspect: Inspected }>();

type Readyz = { status: string; checks: Array<{ name: string; ok: boolean; error?: string }> };
const readyz = async () => {
  const res = await fetch(`${api}/readyz`).catch(() => undefined);
  return res ? { status: res.status, body: (await res.json()) as Readyz } : { status: 0, body: undefined };
};
const untilReadyz = (wanted: (a: Awaited<ReturnType<typeof readyz>>) => boolean, what: string, timeoutMs = 120_000) => {
  let last: unknown;
  return waitFor({
    timeoutMs,
    intervalMs: 500,
    check: async () => {
      const answer = await readyz();
      last = answer;
      return wanted(answer) ? answer : undefined;
    },
    message: () => `${what}; last /readyz ${JSON.stringify(last)}`,
  }).catch(async (error: Error) => {
    const { stdout, stderr } = await compose('logs', '--tail', '40').catch((e: { stdout?: string; stderr?: string }) => e);
    throw new Error(`${error.message}\n${stdout ?? ''}${stderr ?? ''}`);
  });
};

/** A fixture app through the stack's API, a signed push, and the build it queued, ended. */
async function buildThroughStack(params: { fixture: string; name: string; buildArgs?: Record<string, string> }): Promise<Build> {
  const repo = await publishFixture(params.fixture);
  repos.push(repo);
  const created = await fetch(`${api}/apps`, {
    method: 'POST',
    headers: auth,
    body: JSON.stringify({ name: params.name, repo: repo.url, deploy: { autoDeploy: false }, ...(params.buildArgs ? { buildArgs: params.buildArgs } : {}) }),
  });
  expect(created.status).toBe(201);
  const { webhook } = (await created.json()) as { webhook: { secret: string } };
  const d = signedDelivery({ secret: webhook.secret, event: 'push', payload: pushPayload({ ref: 'refs/heads/main', sha: repo.sha, cloneUrl: repo.url }) });
  const hook = await fetch(`${api}/hooks/github/${params.name}`, { method: 'POST', headers: d.headers, body: d.body });
  expect(hook.status).toBe(202);
  const { buildId } = (await hook.json()) as { buildId: string };
  let last: Build | undefined;
  return waitFor({
    timeoutMs: 300_000,
    intervalMs: 500,
    check: async () => {
      last = (await (await fetch(`${api}/builds/${buildId}`, { headers: auth })).json()) as Build;
      return ['succeeded', 'failed'].includes(last.state) ? last : undefined;
    },
    message: () => `build ${buildId} is ${last?.state}`,
  });
}

beforeAll(async () => {
  // The containers run as uid 1001: the kubeconfig they mount must be readable by it, as the
  // compose instructions (.env.example) say. The original stays root's.
  const kubeconfig = path.join(kubeDir, 'kubeconfig');
  copyFileSync(process.env.KUBECONFIG!, kubeconfig);
  chownSync(kubeconfig, 1001, 1001);
  chmodSync(kubeconfig, 0o400);
  writeFileSync(
    envFile,
    [
      `SLIPWAY_API_TOKEN=${secrets.token}`,
      `REGISTRY_PASSWORD=${secrets.registry}`,
      `REDIS_PASSWORD=${secrets.redis}`,
      `SLIPWAY_SECRETS_KEY=${secrets.key}`,
      `REGISTRY_ADDR=127.0.0.1:${ports.registry}`,
      `REDIS_PORT=${ports.redis}`,
      `SLIPWAY_PORT=${ports.api}`,
      `SLIPWAY_PUBLIC_URL=${api}`,
      `SLIPWAY_PREFIX=${project}`,
      `DOCKER_SOCKET=${dockerSocket}`,
      // How a user finds it: stat -c %g /var/run/docker.sock.
      `DOCKER_GID=${statSync(dockerSocket).gid}`,
      `KUBECONFIG_FILE=${kubeconfig}`,
      'NODE_IMAGE=slipway-local/node:20-bookworm-slim',
      'BASE_IMAGE=slipway-local/debian:bookworm',
      'SLIPWAY_BUILDER_IMAGES=local',
      'SLIPWAY_ALLOWED_REPO_SCHEMES=https,ssh,git',
      'SLIPWAY_ALLOW_PRIVATE_REPO_HOSTS=true',
      `SLIPWAY_IMAGE_TAG=${project}`,
    ].join('\n'),
  );
  // The documented step before `up`: the engine's isolated build network (idempotent, root).
  await run('bash', [path.join(ROOT, 'deploy/build-network.sh')], { env: process.env });
  await compose('up', '-d', '--build');
  for (const service of ['api', 'build-worker', 'deploy-worker', 'redis', 'registry']) {
    const id = (await compose('ps', '-q', service)).stdout.trim();
    containers.set(service, { id, inspect: (JSON.parse(await docker('inspect', id)) as Inspected[])[0]! });
  }
}, 900_000);

afterAll(async () => {
  await compose('down', '-v', '--rmi', 'all').catch(() => undefined);
  for (const repo of repos) await repo.cleanup();
  rmSync(kubeDir, { recursive: true, force: true });
  rmSync(envFile, { force: true });
}, 300_000);

test('docker-compose up: /readyz counts both workers; a signed webhook through the stack builds and pushes an image', async () => {
  const ready = await untilReadyz((a) => a.status === 200, 'the compose stack never became ready');
  expect(ready.body!.checks).toEqual(['redis', 'build-worker', 'deploy-worker'].map((name) => ({ name, ok: true })));

  const build = await buildThroughStack({ fixture: 'dockerfile-server', name: 'composed' });
  expect(build.state).toBe('succeeded');
  const basic = Buffer.from(`slipway:${secrets.registry}`).toString('base64');
  const manifest = await fetch(`http://127.0.0.1:${ports.registry}/v2/composed/manifests/${build.sha.slice(0, 7)}`, {
    method: 'HEAD',
    headers: { authorization: `Basic ${basic}`, accept: 'application/vnd.docker.distribution.manifest.v2+json' },
  });
  expect(manifest.headers.get('docker-content-digest')).toBe(build.image!.digest);
}, 600_000);

test.each(['api', 'build-worker', 'deploy-worker', 'redis', 'registry'])('%s runs as a user other than root, with no capabilities and no new privileges', async (service) => {
  const { id, inspect } = containers.get(service)!;
  expect(await docker('exec', id, 'id', '-u')).not.toBe('0');
  expect(inspect.HostConfig.CapDrop).toEqual(['ALL']);
  expect(inspect.HostConfig.SecurityOpt).toContain('no-new-privileges:true');
  if (['api', 'build-worker', 'deploy-worker'].includes(service)) {
    expect(inspect.Config.User).toBe('1001:1001');
    // Not root's group either (the image's USER 1001 alone would leave gid 0).
    expect(await docker('exec', id, 'id', '-g')).toBe('1001');
  }
});

test("only the build worker holds the Docker socket, and uses it through the socket's group", async () => {
  const withSocket = [...containers].filter(([, c]) => c.inspect.Mounts.some((m) => m.Destination === '/var/run/docker.sock')).map(([s]) => s);
  expect(withSocket).toEqual(['build-worker']);
  const worker = containers.get('build-worker')!;
  const gid = String(statSync(dockerSocket).gid);
  expect(worker.inspect.HostConfig.GroupAdd).toEqual([gid]);
  expect((await docker('exec', worker.id, 'id', '-G')).split(' ')).toContain(gid);
  // It drives the engine as uid 1001: the same call the build worker makes first.
  expect(await docker('exec', worker.id, 'node', '-e', "require('http').get({ socketPath: '/var/run/docker.sock', path: '/_ping' }, (r) => r.on('data', (d) => process.stdout.write(d)))")).toBe('OK');
  for (const service of ['api', 'deploy-worker']) {
    expect(containers.get(service)!.inspect.Config.Env.filter((e) => e.startsWith('DOCKER_HOST='))).toEqual([]);
  }
});

test.each([
  ['api', ['token', 'redis', 'key']],
  ['build-worker', ['registry', 'redis', 'key']],
  // issue 15: the deploy worker keeps the registry pull secret in app namespaces.
  ['deploy-worker', ['registry', 'redis', 'key']],
  ['redis', ['redis']],
  ['registry', ['registry']],
])('%s holds only the secrets it uses: %j', (service, expected) => {
  const env = containers.get(service)!.inspect.Config.Env.join('\n');
  const held = Object.entries(secrets).filter(([, value]) => env.includes(value)).map(([name]) => name);
  expect(held.sort()).toEqual([...expected].sort());
});

test('Redis refuses a client without the password', async () => {
  const anonymous = new Redis({ host: '127.0.0.1', port: ports.redis, lazyConnect: true, maxRetriesPerRequest: 0, enableOfflineQueue: true });
  const owner = new Redis({ host: '127.0.0.1', port: ports.redis, password: secrets.redis, lazyConnect: true, maxRetriesPerRequest: 0 });
  anonymous.on('error', () => undefined);
  try {
    await expect(anonymous.get(`${project}:apps`)).rejects.toThrow(/NOAUTH/);
    expect(await owner.ping()).toBe('PONG');
  } finally {
    anonymous.disconnect();
    owner.disconnect();
  }
});

test("a build step runs on the isolated build network, not the host's: the stack's services on loopback are out of reach", async () => {
  const worker = containers.get('build-worker')!;
  expect(worker.inspect.Config.Env).toContain('SLIPWAY_BUILD_NETWORK=slipway-builds');
  expect(await docker('network', 'inspect', '-f', '{{index .Labels "dev.slipway.role"}}', 'slipway-builds')).toBe('builds');
  const probes = { redis: `127.0.0.1:${ports.redis}`, api: `127.0.0.1:${ports.api}`, registry: `127.0.0.1:${ports.registry}` };
  const build = await buildThroughStack({
    fixture: 'build-escape',
    name: 'escape',
    buildArgs: { PROBES: Object.entries(probes).map(([name, target]) => `${name}=${target}`).join(' '), NONCE: randomUUID() },
  });
  const log = await (await fetch(`${api}/builds/${build.id}/logs`, { headers: auth })).text();
  expect(build.state).toBe('succeeded');
  // On the host network (how builds ran before) each of these would say REACHED.
  for (const [name, target] of Object.entries(probes)) expect(log).toContain(`probe ${name} ${target}: blocked`);
  // (The step's own text, echoed in the log, says REACHED too: only a probe's answer counts.)
  expect(log).not.toMatch(/^probe .*: REACHED$/m);
}, 600_000);

test('/readyz follows the heartbeats: a stopped build worker is named at once, a started one counts again', async () => {
  await compose('stop', 'build-worker');
  const down = await untilReadyz((a) => a.status === 503, 'stopping the build worker never made /readyz 503', 30_000);
  expect(down.body!.checks).toEqual([
    { name: 'redis', ok: true },
    { name: 'build-worker', ok: false, error: expect.stringContaining('no build worker') },
    { name: 'deploy-worker', ok: true },
  ]);
  await compose('start', 'build-worker');
  await untilReadyz((a) => a.status === 200, 'the restarted build worker never counted', 60_000);
}, 120_000);

test('docker-compose down keeps the volumes', async () => {
  await compose('down');
  const { stdout } = await run('docker', ['volume', 'ls', '--format', '{{.Name}}'], { env: process.env });
  expect(stdout.split('\n')).toEqual(expect.arrayContaining([`${project}_redis-data`, `${project}_registry-data`]));
}, 300_000);
