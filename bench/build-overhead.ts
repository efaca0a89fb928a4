// Benchmark: what Slipway adds to building and pushing an image. The node-server fixture
// (an express-free Node app with one npm dependency, built by the nodejs S2I builder) is
// built and pushed two ways in the same run, on the same dockerd and registry:
//   slipway   runBuild, as the build worker runs it: clone the exact commit, detect, render
//             the Dockerfile, pull the dependency cache, build, push two tags, push the
//             dependency cache;
//   baseline  by hand: the same generated Dockerfile in a plain checkout, `docker build` and
//             `docker push` of the same two tags with the docker CLI.
// Cold: a package.json nobody has built before (the npm install layer misses). Warm: a
// source-only change right after (the npm install layer is reused). Each side gets its own
// package.json content, so neither reuses the other's layers. Rounds alternate which side
// goes first; medians are reported with the ratio slipway / baseline.
//
//   bash bench/run.sh build-overhead [rounds=3]
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { buildApp } from '../src/api/app.js';
import { loadBuilders } from '../src/builds/builder-catalog.js';
import { generateDockerfile } from '../src/builds/generate-dockerfile.js';
import { checkoutReader } from '../src/builds/checkout-reader.js';
import { RepoFiles } from '../src/builds/repo-files.js';
import { runBuild } from '../src/builds/run-build.js';
import { loadConfig } from '../src/config.js';
import { createLogger } from '../src/logger.js';
import { openServices } from '../src/services/services.js';
import { publishFixture, type PublishedRepo } from '../test/helpers/git-fixture.js';
import { recordBuild } from '../test/helpers/builds.js';

const run = promisify(execFile);
const FIXTURE = 'node-server';
const FIXTURE_DIR = new URL(`../test/fixtures/apps/${FIXTURE}/`, import.meta.url);
const TOKEN = 'bench-token-0123456789abcdef';
const rounds = Number(process.argv[2] ?? 3);
if (!Number.isInteger(rounds) || rounds < 1) throw new Error(`rounds must be a positive integer, got "${process.argv[2]}"`);

const config = loadConfig({ ...process.env, SLIPWAY_API_TOKEN: TOKEN, SLIPWAY_PREFIX: `bench-${randomUUID().slice(0, 8)}`, SLIPWAY_LOG_LEVEL: 'warn' });
const services = openServices(config);
const api = await buildApp(services, { logger: false });
const builders = loadBuilders();
const deps = { ...services, builders, logger: createLogger({ name: 'bench', level: 'warn' }) };
const dockerConfig = await mkdtemp(path.join(os.tmpdir(), 'bench-docker-'));
const docker = (args: string[]) => run('docker', args, { env: { ...process.env, DOCKER_CONFIG: dockerConfig }, maxBuffer: 64 * 1024 * 1024 });
const repos: PublishedRepo[] = [];
const images: string[] = [];
const packageJson = await readFile(new URL('package.json', FIXTURE_DIR), 'utf8');
const serverJs = await readFile(new URL('server.js', FIXTURE_DIR), 'utf8');
/** A package.json no build has seen: same dependencies, a description of its own. */
const freshManifest = (tag: string) => JSON.stringify({ ...JSON.parse(packageJson), description: `build-overhead ${tag}` }, null, 2);

async function timed(work: () => Promise<unknown>): Promise<number> {
  const start = performance.now();
  await work();
  return performance.now() - start;
}

/** Slipway: a new app on a fresh repo; cold build, then a source-only commit built warm. */
async function slipwayRound(tag: string): Promise<{ cold: number; warm: number }> {
  const repo = await publishFixture(FIXTURE);
  repos.push(repo);
  const name = `bo-${tag}`;
  const res = await api.inject({ method: 'POST', url: '/apps', headers: { authorization: `Bearer ${TOKEN}` }, payload: { name, repo: repo.url, branch: repo.branch, deploy: { autoDeploy: false } } });
  if (res.statusCode !== 201) throw new Error(`creating ${name}: ${res.statusCode} ${res.body}`);
  const app = await services.apps.get(name);
  const buildSha = async (sha: string) => {
    const build = await recordBuild(services.builds, { app, ref: `refs/heads/${repo.branch}`, sha, trigger: { kind: 'api' } });
    const done = await runBuild(deps, build.id);
    if (done.state !== 'succeeded') throw new Error(`slipway build ${build.id} ${done.state}: ${JSON.stringify(done.failure)}`);
    images.push(...done.image!.tags, `${done.image!.repository}:cache-deps`);
  };
  const coldSha = await repo.commit({ 'package.json': freshManifest(`slipway ${tag}`) });
  const cold = await timed(() => buildSha(coldSha));
  const warmSha = await repo.commit({ 'server.js': `${serverJs}// ${tag}: a source-only change\n` });
  const warm = await timed(() => buildSha(warmSha));
  return { cold, warm };
}

/** By hand: the same Dockerfile Slipway generates, docker build + docker push of two tags. */
async function baselineRound(tag: string): Promise<{ cold: number; warm: number }> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'bench-baseline-'));
  try {
    for (const file of await readdir(FIXTURE_DIR)) await writeFile(path.join(dir, file), await readFile(new URL(file, FIXTURE_DIR)));
    await writeFile(path.join(dir, 'package.json'), freshManifest(`baseline ${tag}`));
    const builder = builders.find((b) => b.name === 'nodejs')!;
    const { text } = await generateDockerfile({ builder, input: checkoutReader({ repo: await RepoFiles.open({ root: dir, limit: config.repoFileLimit }), contextDir: '.', files: await readdir(dir) }), images: config.builderImages, port: 8080 });
    await writeFile(path.join(dir, 'Dockerfile'), text);
    const repository = `${config.registry.host}/bo-hand-${tag}`;
    const buildAndPush = async (n: number) => {
      const tags = [`${repository}:v${n}`, `${repository}:build-${n}`];
      await docker(['build', '-q', '--network', config.buildNetwork, ...tags.flatMap((t) => ['-t', t]), dir]);
      for (const t of tags) await docker(['push', '-q', t]);
      images.push(...tags);
    };
    const cold = await timed(() => buildAndPush(1));
    await writeFile(path.join(dir, 'server.js'), `${serverJs}// ${tag}: a source-only change\n`);
    const warm = await timed(() => buildAndPush(2));
    return { cold, warm };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** `docker login` for the CLI side, the password on stdin as the docker CLI wants it. */
function login(): Promise<void> {
  return new Promise((resolve, reject) => {
    const args = ['login', '-u', config.registry.username!, '--password-stdin', config.registry.host.split('/')[0]!];
    const child = execFile('docker', args, { env: { ...process.env, DOCKER_CONFIG: dockerConfig } }, (error) => (error ? reject(error) : resolve()));
    child.stdin!.end(config.registry.password);
  });
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

try {
  await login();
  const results = { slipway: { cold: [] as number[], warm: [] as number[] }, baseline: { cold: [] as number[], warm: [] as number[] } };
  for (let round = 1; round <= rounds; round++) {
    const tag = randomUUID().slice(0, 8);
    const order = round % 2 === 1 ? (['slipway', 'baseline'] as const) : (['baseline', 'slipway'] as const);
    for (const side of order) {
      const r = side === 'slipway' ? await slipwayRound(tag) : await baselineRound(tag);
      results[side].cold.push(r.cold);
      results[side].warm.push(r.warm);
      console.log(`round ${round} ${side.padEnd(8)} cold ${s(r.cold)}  warm ${s(r.warm)}`);
    }
  }
  console.log('');
  console.log(`median of ${rounds} rounds      slipway    baseline   ratio (slipway / baseline)`);
  for (const phase of ['cold', 'warm'] as const) {
    const a = median(results.slipway[phase]);
    const b = median(results.baseline[phase]);
    console.log(`${phase.padEnd(26)}${s(a).padStart(9)}  ${s(b).padStart(9)}   ${(a / b).toFixed(2)}`);
  }
} finally {
  for (const image of images) await services.docker.getImage(image).remove({ force: true }).catch(() => undefined);
  for (const repo of repos) await repo.cleanup();
  const keys = await services.redis.keys(`${config.prefix}:*`);
  if (keys.length) await services.redis.del(...keys);
  await api.close();
  await services.close();
  await rm(dockerConfig, { recursive: true, force: true });
}
