import type Docker from 'dockerode';
import type { Redis } from 'ioredis';
import type { Config } from '../config.js';
import type { BuildQueue } from '../queue/build-queue.js';
import type { DeployQueue } from '../queue/deploy-queue.js';
import type { AppStore } from '../store/app-store.js';
import type { BuildLog } from '../store/build-log.js';
import type { BuildStore } from '../store/build-store.js';
import type { Keys } from '../store/keys.js';
import type { ReleaseStore } from '../store/release-store.js';

/** What the API needs, handed in by main.ts (or a test) so buildApp never creates connections. */
export interface ApiDeps {
  config: Config;
  redis: Redis;
  keys: Keys;
  apps: AppStore;
  builds: BuildStore;
  logs: BuildLog;
  buildQueue: BuildQueue;
  deployQueue: DeployQueue;
  releases: ReleaseStore;
  docker: Docker;
}
