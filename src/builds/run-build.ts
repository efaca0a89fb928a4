import { rm } from 'node:fs/promises';
import path from 'node:path';
import type Docker from 'dockerode';
import type { Logger } from 'pino';
import type { Config } from '../config.js';
import { BuildStepError, SlipwayError } from '../errors.js';
import { cloneCommit } from '../git/clone.js';
import { repoUrlPolicy } from '../git/repo-url.js';
import type { AppStore } from '../store/app-store.js';
import type { BuildLog } from '../store/build-log.js';
import type { BuildSecretStore } from '../store/build-secret-store.js';
import type { BuildStore } from '../store/build-store.js';
import type { RepoCredentialStore } from '../store/repo-credential-store.js';
import type { App, Build, BuildState } from '../store/types.js';
import type { BuilderDefinition } from './builder-definition.js';
import { depsCacheReference, pullCacheSources, tagDepsStage } from './build-cache.js';
import { GENERATED_DOCKERFILE, packContext } from './build-context.js';
import { builderFailure } from './builder-failure.js';
import { dockerBuild } from './docker-build.js';
import { generateDockerfile } from './generate-dockerfile.js';
import { logLines, type LineSink } from './log-lines.js';
import { createMasker, repoCredentialSecrets } from './log-masker.js';
import { pushTag } from './registry-push.js';
import type { PlanInput } from './plan.js';
import { DETECT_READS, detectStrategy } from './strategy.js';
import { checkoutReader } from './checkout-reader.js';
import { RepoFiles } from './repo-files.js';
import { runTestStep } from './test-step.js';

export interface BuildDeps {
  config: Config;
  docker: Docker;
  apps: AppStore;
  builds: BuildStore;
  buildSecrets: BuildSecretStore;
  repoCredentials: RepoCredentialStore;
  logs: BuildLog;
  builders: BuilderDefinition[];
  logger: Logger;
}

const LOG_TAIL_LINES = 40;
const SECRET_NAME = /TOKEN|SECRET|PASSW(OR)?D|CREDENTIAL|API_?KEY|PRIVATE_?KEY/i;

/** Tags every pushed image gets: `<app>:<short-sha>` and `<app>:build-<n>`. */
export function imageTags(params: { registry: string; app: string; sha: string; number: number }): { repository: string; tags: string[] } {
  const repository = `${params.registry}/${params.app}`;
  return { repository, tags: [`${repository}:${params.sha.slice(0, 7)}`, `${repository}:build-${params.number}`] };
}

/**
 * One build, from queued to succeeded or failed: clone the exact commit, pick the strategy,
 * build, push both tags, record the digest. Any failure is recorded with the step it
 * happened in, a stable code, the reason and the log tail; the checkout is always removed.
 */
export async function runBuild(deps: BuildDeps, buildId: string, signal?: AbortSignal): Promise<Build> {
  const { config, builds, logs } = deps;
  let build = await builds.get(buildId);
  const app = await deps.apps.get(build.app);
  const secrets = await deps.buildSecrets.values(app.name);
  // issue 19, private repos: used for the clone only, masked everywhere the build writes.
  const repoAccess = await deps.repoCredentials.access(app.name);
  const mask = createMasker([
    ...Object.values(secrets),
    ...repoCredentialSecrets(repoAccess?.credential),
    config.registry.password,
    config.apiToken,
    await deps.apps.webhookSecret(app.name),
    // Build args named like credentials (NPM_TOKEN, DB_PASSWORD, ...) are secrets too.
    ...Object.entries(app.buildArgs).filter(([k]) => SECRET_NAME.test(k)).map(([, v]) => v),
  ]);
  const append = (line: string) => logs.append(build.id, [line]);
  const log = (line: string) => append(mask(line));
  // Docker's and the test container's output: joined into whole lines, masked, each line capped.
  const output = (params: { skipBlank: boolean }) =>
    logLines({
      mask,
      lineLimit: config.logLineLimit,
      onLine: (line) => {
        if (!params.skipBlank || line.trim()) void append(line.trimEnd());
      },
    });
  const workDir = path.join(config.workDir, build.id);
  let step: BuildState = 'cloning';
  const enter = async (state: BuildState, patch: Partial<Build> = {}) => {
    step = state;
    build = await builds.update(build.id, { state, ...patch });
  };

  try {
    await enter('cloning', { startedAt: new Date().toISOString() });
    await log(`--> Cloning ${app.repo} at ${build.sha}`);
    // issue 14, SSRF: the clone checks the repo host again and holds git to the checked addresses.
    await cloneCommit({ url: app.repo, sha: build.sha, dir: workDir, policy: repoUrlPolicy(config), access: repoAccess, signal });
    stopIfCancelled(signal);
    // The checkout is untrusted: every path in it is resolved inside it, every read capped (repo-files.ts).
    const repo = await RepoFiles.open({ root: workDir, limit: config.repoFileLimit });
    const context = await repo.directory(app.contextDir);
    if (!context) throw new BuildStepError({ code: 'BUILD_CLONE_FAILED', step: 'cloning', message: `context dir "${app.contextDir}" does not exist at ${build.sha}` });
    const contextDir = context.relative;
    const files = await repo.list(contextDir);

    const strategy = detectStrategy({ files, dockerfile: app.dockerfile, builder: app.builder, builders: deps.builders, texts: await detectTexts(checkoutReader({ repo, contextDir, files }), files) });
    // Docker reads the Dockerfile from the archive, within the context; refused here all the same
    // when it is a link out of the checkout, a directory or a device. A missing one is docker's to report.
    if (strategy.dockerfile) await repo.file(path.posix.join(contextDir, strategy.dockerfile));
    await enter('building', { strategy: { name: strategy.name, reasons: strategy.reasons } });
    await log(`--> Strategy ${strategy.name}: ${strategy.reasons.join(', ')}`);
    const image = imageTags({ registry: config.registry.host, app: app.name, sha: build.sha, number: build.number });
    const cacheFrom = await pullCacheSources({
      docker: deps.docker,
      references: strategy.builder ? [depsCacheReference(image.repository)] : await previousImage(deps.builds, app.name),
      auth: registryAuth(config),
      onLine: (l) => void log(l),
    });
    const generated = await buildStep({ deps, app, build, repo, contextDir, files, strategy, secrets, cacheFrom, tags: image.tags, log: (l) => void log(l), output, signal });

    stopIfCancelled(signal);
    await enter('pushing');
    let digest = '';
    for (const reference of image.tags) {
      await log(`--> Pushing ${reference}`);
      digest = await pushTag({ docker: deps.docker, reference, auth: registryAuth(config), onLine: (l) => void log(l) }).catch((error: Error) => {
        throw new BuildStepError({ code: 'BUILD_PUSH_FAILED', step: 'pushing', message: `push of ${reference} failed: ${mask(error.message)}` });
      });
    }
    await log(`--> Pushed ${image.repository}@${digest}`);
    if (generated) await pushDepsCache({ deps, app, repo, contextDir, generated, secrets, repository: image.repository, log: (l) => void log(l) });
    await logs.finish(build.id);
    return await builds.update(build.id, { state: 'succeeded', image: { ...image, digest }, finishedAt: new Date().toISOString() });
  } catch (error) {
    // Says how many lines the log limit dropped, before the lines that tell how the build ended.
    await logs.finish(build.id);
    if (signal?.aborted) {
      const reason = typeof signal.reason === 'string' ? signal.reason : 'cancelled';
      await log(`--> Build cancelled while ${step}: ${reason}`);
      return await builds.update(build.id, { state: 'cancelled', cancellation: { reason, step }, finishedAt: new Date().toISOString() });
    }
    const code = error instanceof SlipwayError ? error.code : 'BUILD_IMAGE_FAILED';
    const failedStep = error instanceof BuildStepError ? (error.step as BuildState) : step;
    const reason = mask(error instanceof Error ? error.message : String(error));
    await log(`--> Build failed while ${failedStep}: ${reason}`);
    deps.logger.warn({ build: build.id, step: failedStep, code, reason }, 'build failed');
    return await builds.update(build.id, {
      state: 'failed',
      failure: { step: failedStep, code, reason, logTail: await logs.tail(build.id, LOG_TAIL_LINES) },
      finishedAt: new Date().toISOString(),
    });
  } finally {
    await logs.finish(build.id);
    await rm(workDir, { recursive: true, force: true });
  }
}

/** The text of the files detection looks into, for those present at the top level. */
async function detectTexts({ read }: Pick<PlanInput, 'read'>, files: string[]): Promise<Record<string, string>> {
  const present = DETECT_READS.filter((f) => files.includes(f));
  return Object.fromEntries(await Promise.all(present.map(async (f) => [f, (await read(f)) ?? ''] as const)));
}

function stopIfCancelled(signal?: AbortSignal): void {
  if (signal?.aborted) throw new SlipwayError('BUILD_CANCELLED', 'cancelled');
}

async function buildStep(params: {
  deps: BuildDeps;
  app: App;
  build: Build;
  repo: RepoFiles;
  /** Repo-relative. */
  contextDir: string;
  files: string[];
  strategy: ReturnType<typeof detectStrategy>;
  secrets: Record<string, string>;
  cacheFrom: string[];
  tags: string[];
  log: (line: string) => void;
  output: (params: { skipBlank: boolean }) => LineSink;
  signal?: AbortSignal;
}): Promise<string | undefined> {
  const { deps, app, build, repo, contextDir, files, strategy, secrets, cacheFrom, tags, log, signal } = params;
  const generated = strategy.builder
    ? await generateDockerfile({ builder: strategy.builder, input: checkoutReader({ repo, contextDir, files }), images: deps.config.builderImages, port: app.port, secrets: Object.keys(secrets), version: strategy.version })
    : undefined;
  if (generated) {
    for (const reason of generated.reasons) log(`--> ${reason}`);
    await deps.builds.update(build.id, {
      strategy: { name: strategy.name, reasons: [...strategy.reasons, ...generated.reasons] },
      ...(generated.releaseCommand ? { releaseCommand: generated.releaseCommand } : {}),
    });
  }
  const labels = {
    'org.opencontainers.image.source': app.repo,
    'org.opencontainers.image.revision': build.sha,
    'org.opencontainers.image.created': new Date().toISOString(),
    'dev.slipway.app': app.name,
    'dev.slipway.build': build.id,
  };
  // Packed before the build starts, so a refused context dir fails as BUILD_REPO_INVALID, not as docker's failure.
  const context = await packContext({ repo, contextDir, generatedDockerfile: generated?.text });
  const buildOutput = params.output({ skipBlank: true });
  // A step's own `slipway-failure CODE: message` line becomes the failure (builder-failure.ts).
  let named: ReturnType<typeof builderFailure>;
  const failureLines = logLines({ mask: createMasker([]), lineLimit: deps.config.logLineLimit, onLine: (line) => (named = builderFailure(line) ?? named) });
  let imageId: string;
  try {
    imageId = await dockerBuild({
      docker: deps.docker,
      context,
      dockerfile: generated ? GENERATED_DOCKERFILE : strategy.dockerfile!,
      tags,
      // Secrets go in as build args: generated Dockerfiles declare them only in builder stages.
      buildArgs: { ...app.buildArgs, ...secrets },
      labels,
      network: deps.config.buildNetwork,
      cacheFrom,
      onOutput: (text) => {
        buildOutput.write(text);
        failureLines.write(text);
      },
      signal,
    });
  } catch (error) {
    failureLines.end();
    if (named) throw new BuildStepError({ code: named.code, step: 'building', message: named.message });
    throw new BuildStepError({ code: 'BUILD_IMAGE_FAILED', step: 'building', message: error instanceof Error ? error.message : String(error) });
  } finally {
    buildOutput.end();
  }
  if (app.postCommit) {
    log(`--> Running the post-build test: ${app.postCommit.script ?? [...(app.postCommit.command ?? []), ...(app.postCommit.args ?? [])].join(' ')}`);
    const testOutput = params.output({ skipBlank: false });
    const code = await runTestStep({ docker: deps.docker, image: imageId, network: deps.config.buildNetwork, postCommit: app.postCommit, onOutput: (text) => testOutput.write(text), signal }).finally(() =>
      testOutput.end(),
    );
    if (code !== 0) throw new BuildStepError({ code: 'BUILD_TEST_FAILED', step: 'building', message: `post-build test exited with code ${code}; nothing was pushed` });
  }
  return generated?.text;
}

/** The newest pushed image of the app: cache for Dockerfile builds on a worker that lacks it. */
async function previousImage(builds: BuildStore, app: string): Promise<string[]> {
  const last = (await builds.listForApp(app)).find((b) => b.state === 'succeeded' && b.image);
  return last?.image ? [last.image.tags[last.image.tags.length - 1]!] : [];
}

/**
 * Pushes the dependency stage as the next build's cache source. Not with build secrets: the
 * classic builder records build args in that stage's history. A failure here is logged, not
 * fatal: the app's image is already pushed.
 */
async function pushDepsCache(params: {
  deps: BuildDeps;
  app: App;
  repo: RepoFiles;
  contextDir: string;
  generated: string;
  secrets: Record<string, string>;
  repository: string;
  log: (line: string) => void;
}): Promise<void> {
  const { deps, app, repo, contextDir, generated, secrets, repository, log } = params;
  if (Object.keys(secrets).length) {
    log('--> Dependency cache not pushed: this app has build secrets, and the dependency stage records build args');
    return;
  }
  const reference = depsCacheReference(repository);
  try {
    await tagDepsStage({ docker: deps.docker, context: await packContext({ repo, contextDir, generatedDockerfile: generated }), dockerfile: GENERATED_DOCKERFILE, buildArgs: app.buildArgs, reference, network: deps.config.buildNetwork });
    await pushTag({ docker: deps.docker, reference, auth: registryAuth(deps.config), onLine: () => undefined });
    log(`--> Pushed dependency cache ${reference}`);
  } catch (error) {
    log(`--> Dependency cache not pushed: ${error instanceof Error ? error.message : String(error)}`);
  }
}

function registryAuth(config: Config) {
  const serveraddress = config.registry.host.split('/')[0]!;
  return { serveraddress, username: config.registry.username, password: config.registry.password };
}
