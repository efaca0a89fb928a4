import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { Keys } from './keys.js';
import type { RepoCredentialSummary } from './schemas/repo-credential.js';
import { readSealedHash, sealAll, type SecretBox } from './secret-box.js';

/** How Slipway reaches a private repo: a token for HTTPS (Basic auth) or an SSH deploy key. */
export type RepoCredential =
  | { kind: 'token'; username: string; token: string }
  | {
      kind: 'ssh-key';
      privateKey: string;
      /** Set when Slipway generated the key: shown again so it can be added to another host. */
      publicKey?: string;
      /** known_hosts lines the host must match; absent until given or learned on first use. */
      knownHosts?: string;
    };

/** A credential as git code uses it, with the way back to pin host keys learned on first use. */
export interface RepoAccess {
  credential: RepoCredential;
  onHostKeysLearned(knownHosts: string): Promise<void>;
}

const context = (app: string) => (field: string) => `repo-credential/${app}/${field}`;

/**
 * Each app's repo credential, in a Redis hash of its own that no app record, build record or
 * API answer carries. Every field is sealed (secret-box.ts), the user name and host keys too: one
 * read path, and nothing in Redis tells which apps are private. Write-only to the API: it reads
 * back `summary`, never the token or the key.
 */
export class RepoCredentialStore {
  constructor(private readonly redis: Redis, private readonly keys: Keys, private readonly box: SecretBox) {}

  /**
   * Replaces the app's credential. An SSH key given without known_hosts keeps the host keys
   * pinned for the one it replaces (rotating a key does not re-open trust in the host).
   */
  async set(app: string, credential: RepoCredential): Promise<RepoCredentialSummary> {
    const previous = await this.fields(app);
    const fields: Record<string, string> = { kind: credential.kind, updatedAt: new Date().toISOString() };
    if (credential.kind === 'token') Object.assign(fields, { username: credential.username, secret: credential.token });
    else {
      fields.secret = credential.privateKey;
      if (credential.publicKey) fields.publicKey = credential.publicKey;
      if (credential.knownHosts) Object.assign(fields, { knownHosts: credential.knownHosts, hostKeys: 'given' });
      else if (previous.kind === 'ssh-key' && previous.knownHosts) Object.assign(fields, { knownHosts: previous.knownHosts, hostKeys: previous.hostKeys ?? 'learned' });
    }
    const key = this.keys.repoCredential(app);
    await this.redis.multi().del(key).hset(key, sealAll(this.box, fields, context(app))).exec();
    return summarise(fields);
  }

  async get(app: string): Promise<RepoCredential | undefined> {
    const f = await this.fields(app);
    if (f.kind === 'token') return { kind: 'token', username: f.username ?? '', token: f.secret ?? '' };
    if (f.kind === 'ssh-key') {
      return { kind: 'ssh-key', privateKey: f.secret ?? '', ...(f.publicKey ? { publicKey: f.publicKey } : {}), ...(f.knownHosts ? { knownHosts: f.knownHosts } : {}) };
    }
    return undefined;
  }

  /** The credential with a callback that pins host keys learned on first use; undefined for a public repo. */
  async access(app: string): Promise<RepoAccess | undefined> {
    const credential = await this.get(app);
    return credential && { credential, onHostKeysLearned: (knownHosts) => this.learnHostKeys(app, knownHosts) };
  }

  async summary(app: string): Promise<RepoCredentialSummary | undefined> {
    const fields = await this.fields(app);
    return fields.kind ? summarise(fields) : undefined;
  }

  /** Returns whether there was one. */
  async remove(app: string): Promise<boolean> {
    return (await this.redis.del(this.keys.repoCredential(app))) === 1;
  }

  /**
   * Pins host keys learned on first use, unless some are pinned already (HSETNX: of two first
   * clones at once, the first to finish wins; the other's keys were checked against nothing
   * either way) or the credential is gone.
   */
  async learnHostKeys(app: string, knownHosts: string): Promise<void> {
    const key = this.keys.repoCredential(app);
    if (!(await this.redis.exists(key))) return;
    const seal = (field: string, value: string) => this.box.seal(value, context(app)(field));
    if (await this.redis.hsetnx(key, 'knownHosts', seal('knownHosts', knownHosts))) await this.redis.hset(key, 'hostKeys', seal('hostKeys', 'learned'));
  }

  /** Reads every field, sealing stale stored forms again; how many were (key rotation). */
  async read(app: string): Promise<{ resealed: number }> {
    return { resealed: (await readSealedHash({ redis: this.redis, box: this.box, key: this.keys.repoCredential(app), context: context(app) })).resealed };
  }

  private async fields(app: string): Promise<Record<string, string | undefined>> {
    return (await readSealedHash({ redis: this.redis, box: this.box, key: this.keys.repoCredential(app), context: context(app) })).values;
  }
}

function summarise(f: Record<string, string | undefined>): RepoCredentialSummary {
  return {
    kind: f.kind === 'token' ? 'token' : 'ssh-key',
    ...(f.username ? { username: f.username } : {}),
    sha256: createHash('sha256').update(f.secret ?? '').digest('hex').slice(0, 12),
    ...(f.publicKey ? { publicKey: f.publicKey } : {}),
    ...(f.knownHosts ? { knownHosts: f.knownHosts } : {}),
    ...(f.hostKeys === 'given' || f.hostKeys === 'learned' ? { hostKeys: f.hostKeys } : {}),
    updatedAt: f.updatedAt ?? '',
  };
}
