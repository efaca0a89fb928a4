import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { randomUUID } from 'node:crypto';
import type { Build } from '../../src/store/types.js';
import { publishFixture, type PublishedRepo } from '../helpers/git-fixture.js';
import { pushPayload, signedDelivery } from '../helpers/github.js';
import { waitFor } from '../helpers/wait.js';

// docker-compose.yml as a user runs it: Debian's docker-compose builds Slipway's image and
// Redis and registry images (from the local stand-ins), starts the stack on the host network,
// and a signed webhook through it builds and pushes an image; `down` keeps the volumes.
const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../..');
const run = promisify(execFile);
const project = `slipway-compose-${randomUUID().slice(0, 6)}`;
const token = `compose-token-${randomUUID()}`;
const registryPassword = `compose-registry-${randomUUID().slice(0, 8)}`;
const ports = { api: 8091, redis: 6391, registry: 5001 };
const envFile = path.join(os.tmpdir(), `${project}.env`);
const api = `http://127.0.0.1:${ports.api}`;
let repo: PublishedRepo;

const compose = (...args: string[]) =>
  run('docker-compose', ['-p', project, '--env-file', envFile, ...args], { cwd: ROOT, env: process.env, timeout: 900_000, maxBuffer: 64 * 1024 * 1024 });

beforeAll(async () => {
  writeFileSync(
    envFile,
    [
      `SLIPWAY_API_TOKEN=${token}`,
      `REGISTRY_PASSWORD=${registryPassword}`,
      `REGISTRY_ADDR=127.0.0.1:${ports.registry}`,
      `REDIS_PORT=${ports.redis}`,
      `SLIPWAY_PORT=${ports.api}`,
      `SLIPWAY_PUBLIC_URL=${api}`,
      `SLIPWAY_PREFIX=${project}`,
      `DOCKER_SOCKET=${new URL(process.env.DOCKER_HOST!).pathname}`,
      `KUBECONFIG_FILE=${process.env.KUBECONFIG}`,
      'NODE_IMAGE=slipway-local/node:20-bookworm-slim',
      'BASE_IMAGE=slipway-local/debian:bookworm',
      'SLIPWAY_BUILDER_IMAGES=local',
      'SLIPWAY_ALLOWED_REPO_SCHEMES=https,ssh,git',
      'SLIPWAY_ALLOW_PRIVATE_REPO_HOSTS=true',
      `SLIPWAY_IMAGE_TAG=${project}`,
    ].join('\n'),
  );
  repo = await publishFixture('dockerfile-server');
  await compose('up', '-d', '--build');
}, 900_000);

afterAll(async () => {
  await compose('down', '-v', '--rmi', 'all').catch(() => undefined);
  await repo?.cleanup();
}, 300_000);

test('docker-compose up: a signed webhook through the stack builds and pushes an image; down keeps the volumes', async () => {
  await waitFor({
    timeoutMs: 120_000,
    intervalMs: 500,
    check: async () => ((await fetch(`${api}/readyz`).then((r) => r.status, () => 0)) === 200 ? true : undefined),
    message: () => 'the compose API never became ready',
  }).catch(async (error: Error) => {
    const { stdout, stderr } = await compose('logs', '--tail', '40', 'api').catch((e: { stdout?: string; stderr?: string }) => e);
    throw new Error(`${error.message}\n${stdout ?? ''}${stderr ?? ''}`);
  });
  const auth = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
  const created = await fetch(`${api}/apps`, { method: 'POST', headers: auth, body: JSON.stringify({ name: 'composed', repo: repo.url, deploy: { autoDeploy: false } }) });
  expect(created.status).toBe(201);
  const { webhook } = (await created.json()) as { webhook: { secret: string } };
  const d = signedDelivery({ secret: webhook.secret, event: 'push', payload: pushPayload({ ref: 'refs/heads/main', sha: repo.sha, cloneUrl: repo.url }) });
  const hook = await fetch(`${api}/hooks/github/composed`, { method: 'POST', headers: d.headers, body: d.body });
  expect(hook.status).toBe(202);
  const { buildId } = (await hook.json()) as { buildId: string };

  let last: Build | undefined;
  const build = await waitFor({
    timeoutMs: 300_000,
    intervalMs: 500,
    check: async () => {
      last = (await (await fetch(`${api}/builds/${buildId}`, { headers: auth })).json()) as Build;
      return ['succeeded', 'failed'].includes(last.state) ? last : undefined;
    },
    message: () => `build ${buildId} is ${last?.state}`,
  });
  expect(build.state).toBe('succeeded');
  const basic = Buffer.from(`slipway:${registryPassword}`).toString('base64');
  const manifest = await fetch(`http://127.0.0.1:${ports.registry}/v2/composed/manifests/${repo.sha.slice(0, 7)}`, {
    method: 'HEAD',
    headers: { authorization: `Basic ${basic}`, accept: 'application/vnd.docker.distribution.manifest.v2+json' },
  });
  expect(manifest.headers.get('docker-content-digest')).toBe(build.image!.digest);

  await compose('down');
  const { stdout } = await run('docker', ['volume', 'ls', '--format', '{{.Name}}'], { env: process.env });
  expect(stdout.split('\n')).toEqual(expect.arrayContaining([`${project}_redis-data`, `${project}_registry-data`]));
}, 600_000);
