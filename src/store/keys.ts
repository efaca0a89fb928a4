// Every Redis key Slipway writes, in one place. All keys start with the configured prefix.
export interface Keys {
  apps: string;
  app(name: string): string;
  webhookSecret(app: string): string;
  /** Hash of build-secret name → value; never part of the app record. */
  buildSecrets(app: string): string;
  /** issue 19, private repos: hash of the app's repo credential (token or SSH key, pinned host keys), sealed; never part of the app record. */
  repoCredential(app: string): string;
  /** The app's build counter; kept when the app is deleted, so numbers (and ids) never repeat. */
  buildSeq(app: string): string;
  appBuilds(app: string): string;
  build(id: string): string;
  buildLog(id: string): string;
  /** issue 14, bounded logs: hash of the bytes a build's log holds and the lines it dropped. */
  buildLogUsage(id: string): string;
  /** The number of the release made from a build (so a retried deploy job makes no second one). */
  buildRelease(id: string): string;
  delivery(provider: string, id: string): string;
  /** The app's release counter; kept when the app is deleted, like buildSeq. */
  releaseSeq(app: string): string;
  appReleases(app: string): string;
  release(app: string, number: number): string;
  currentRelease(app: string): string;
  /** A user's promote or abort for a blue-green or canary rollout, until its deploy job takes it. */
  releaseCommand(app: string, number: number): string;
  deployLock(app: string): string;
  /** The one queued build per app + branch (serial-latest-only). */
  queuedBuild(app: string, branch: string): string;
  runningBuild(app: string, branch: string): string;
  buildLock(app: string, branch: string): string;
  /** Why a build was asked to stop; its worker reads it when the build aborts. */
  buildCancel(id: string): string;
  /** Pub/sub channel: build ids whose running build must stop. */
  cancelChannel: string;
  /** Set of namespaces templates were provisioned into (where /databases looks). */
  provisionedNamespaces: string;
  /** HMAC key for the app's secret version names (a plain hash of values would let one guess them). */
  secretSalt(app: string): string;
  /** Hash of one version of the app's secret values; never part of an app or release record. */
  secretVersion(app: string, version: string): string;
  /** Set of the app's secret versions (so deleting the app finds them all). */
  secretVersions(app: string): string;
  /** List of scale changes, newest first. */
  scaleEvents(app: string): string;
  // Worker heartbeats (issue 14: /readyz reads them instead of pinging the Docker engine).
  /** Set of the ids of the workers of one role (`build`, `deploy`) that have beaten. */
  workers(role: string): string;
  /** One worker's heartbeat: expires unless the worker renews it. */
  worker(role: string, id: string): string;
  // issue 14, ids and queue sweeping, webhook replays:
  /** Sorted set of the ids of builds not finished (queued or running), by creation time (the sweeper's worklist). */
  unfinishedBuilds: string;
  /** Sorted set `<app>#<number>` of releases pending or deploying, by creation time (the release reconciler's worklist). */
  unsettledReleases: string;
  /** Times the release reconciler queued a release's rollout again (expires). */
  releaseRequeues(app: string, number: number): string;
  /** Held by the one release reconciler running at a time. */
  releaseSweepLock: string;
  /** Times the sweeper queued a build again (expires): a build whose job keeps vanishing is failed. */
  buildRequeues(id: string): string;
  /** Held by the one sweeper running at a time. */
  sweepLock: string;
  /** Hash `<sha>:<branch>` → the newest build queued for that commit (a replayed push builds nothing new). */
  builtShas(app: string): string;
}

export function keys(prefix: string): Keys {
  return {
    apps: `${prefix}:apps`,
    app: (name) => `${prefix}:app:${name}`,
    webhookSecret: (app) => `${prefix}:app:${app}:webhook-secret`,
    buildSecrets: (app) => `${prefix}:app:${app}:build-secrets`,
    repoCredential: (app) => `${prefix}:app:${app}:repo-credential`,
    buildSeq: (app) => `${prefix}:app:${app}:build-seq`,
    appBuilds: (app) => `${prefix}:app:${app}:builds`,
    build: (id) => `${prefix}:build:${id}`,
    buildLog: (id) => `${prefix}:build:${id}:log`,
    buildLogUsage: (id) => `${prefix}:build:${id}:log-usage`,
    buildRelease: (id) => `${prefix}:build:${id}:release`,
    delivery: (provider, id) => `${prefix}:delivery:${provider}:${id}`,
    releaseSeq: (app) => `${prefix}:app:${app}:release-seq`,
    appReleases: (app) => `${prefix}:app:${app}:releases`,
    release: (app, number) => `${prefix}:app:${app}:release:${number}`,
    currentRelease: (app) => `${prefix}:app:${app}:current-release`,
    releaseCommand: (app, number) => `${prefix}:app:${app}:release:${number}:command`,
    deployLock: (app) => `${prefix}:app:${app}:deploy-lock`,
    queuedBuild: (app, branch) => `${prefix}:app:${app}:branch:${branch}:queued`,
    runningBuild: (app, branch) => `${prefix}:app:${app}:branch:${branch}:running`,
    buildLock: (app, branch) => `${prefix}:app:${app}:branch:${branch}:lock`,
    buildCancel: (id) => `${prefix}:build:${id}:cancel`,
    cancelChannel: `${prefix}:build-cancel`,
    provisionedNamespaces: `${prefix}:provisioned-namespaces`,
    secretSalt: (app) => `${prefix}:app:${app}:secret-salt`,
    secretVersion: (app, version) => `${prefix}:app:${app}:secret:${version}`,
    secretVersions: (app) => `${prefix}:app:${app}:secret-versions`,
    scaleEvents: (app) => `${prefix}:app:${app}:scale-events`,
    workers: (role) => `${prefix}:workers:${role}`,
    worker: (role, id) => `${prefix}:worker:${role}:${id}`,
    // issue 14, ids and queue sweeping, webhook replays.
    unfinishedBuilds: `${prefix}:unfinished-builds`,
    buildRequeues: (id) => `${prefix}:build:${id}:requeues`,
    unsettledReleases: `${prefix}:unsettled-releases`,
    releaseRequeues: (app, number) => `${prefix}:app:${app}:release:${number}:requeues`,
    releaseSweepLock: `${prefix}:release-sweep-lock`,
    sweepLock: `${prefix}:sweep-lock`,
    builtShas: (app) => `${prefix}:app:${app}:built-shas`,
  };
}
