import type { Redis } from 'ioredis';
import type { Keys } from './keys.js';

/** Namespaces templates were provisioned into: where listing databases looks (namespace-scoped RBAC). */
export class ProvisionStore {
  constructor(private readonly redis: Redis, private readonly keys: Keys) {}

  async rememberNamespace(namespace: string): Promise<void> {
    await this.redis.sadd(this.keys.provisionedNamespaces, namespace);
  }

  async namespaces(): Promise<string[]> {
    return this.redis.smembers(this.keys.provisionedNamespaces);
  }
}
