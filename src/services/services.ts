import type { KubeConfig } from '@kubernetes/client-node';
import type Docker from 'dockerode';
import type { Redis } from 'ioredis';
import type { Config } from '../config.js';
import { createDocker } from './docker-client.js';
import { loadKubeConfig } from './kube-config.js';
import { createBuildQueue, type BuildQueue } from '../queue/build-queue.js';
import { createDeployQueue, type DeployQueue } from '../queue/deploy-queue.js';
import { AppStore } from '../store/app-store.js';
import { BuildLog } from '../store/build-log.js';
import { BuildSecretStore } from '../store/build-secret-store.js';
import { BuildStore } from '../store/build-store.js';
import { DeliveryStore } from '../store/delivery-store.js';
import { keys, type Keys } from '../store/keys.js';
import { ProvisionStore } from '../store/provision-store.js';
import { ReleaseStore } from '../store/release-store.js';
import { RepoCredentialStore } from '../store/repo-credential-store.js';
import { SecretBox } from '../store/secret-box.js';
import { SecretStore } from '../store/secret-store.js';
import { createRedis } from '../store/redis.js';

/** The connections and stores every Slipway process opens from its config. */
export interface Services {
  config: Config;
  redis: Redis;
  keys: Keys;
  apps: AppStore;
  buildSecrets: BuildSecretStore;
  builds: BuildStore;
  deliveries: DeliveryStore;
  logs: BuildLog;
  provisions: ProvisionStore;
  releases: ReleaseStore;
  repoCredentials: RepoCredentialStore;
  secrets: SecretStore;
  buildQueue: BuildQueue;
  deployQueue: DeployQueue;
  docker: Docker;
  /** The cluster apps are deployed to, read on first use: processes that never deploy need no kubeconfig. */
  kubeConfig(): KubeConfig;
  close(): Promise<void>;
}

export function openServices(config: Config): Services {
  const redis = createRedis(config);
  const k = keys(config.prefix);
  // issue 14, secrets at rest: the stores that hold secrets seal them with the configured key.
  const box = new SecretBox(config.secretsKeys);
  const buildQueue = createBuildQueue({ connection: redis, prefix: config.prefix });
  const deployQueue = createDeployQueue({ connection: redis, prefix: config.prefix });
  let closed = false;
  let kc: KubeConfig | undefined;
  return {
    config,
    redis,
    keys: k,
    apps: new AppStore(redis, k, box),
    buildSecrets: new BuildSecretStore(redis, k, box),
    builds: new BuildStore(redis, k),
    deliveries: new DeliveryStore(redis, k),
    // issue 14, bounded logs: bytes per line and per build.
    logs: new BuildLog(redis, k, { lineBytes: config.logLineLimit, totalBytes: config.logByteLimit }),
    provisions: new ProvisionStore(redis, k),
    releases: new ReleaseStore(redis, k),
    repoCredentials: new RepoCredentialStore(redis, k, box),
    secrets: new SecretStore(redis, k, box),
    buildQueue,
    deployQueue,
    docker: createDocker(config.dockerHost),
    kubeConfig() {
      kc ??= loadKubeConfig(config.kubeconfig);
      return kc;
    },
    async close() {
      if (closed) return;
      closed = true;
      await buildQueue.close();
      await deployQueue.close();
      redis.disconnect();
    },
  };
}
