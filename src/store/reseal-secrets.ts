import type { AppStore } from './app-store.js';
import type { BuildSecretStore } from './build-secret-store.js';
import type { RepoCredentialStore } from './repo-credential-store.js';
import type { SecretStore } from './secret-store.js';

export interface ResealReport {
  apps: number;
  /** Stored values sealed again: plaintext from before encryption, or sealed under an old key. */
  resealed: number;
  /** Apps with a value no configured key opens (SECRET_UNREADABLE), with the reason. */
  unreadable: Array<{ app: string; reason: string }>;
}

/**
 * Reads every stored secret (webhook secrets, build secrets, repo credentials, app secret versions and their HMAC
 * keys) so that each one in plaintext or under an old key is sealed with the current key. The
 * API runs this at start: after a rotation, once it reports `resealed`, the old key can go.
 * Concurrent runs are safe (each rewrite is a compare-and-set).
 */
export async function resealSecrets(deps: { apps: AppStore; buildSecrets: BuildSecretStore; secrets: SecretStore; repoCredentials?: RepoCredentialStore }): Promise<ResealReport> {
  const report: ResealReport = { apps: 0, resealed: 0, unreadable: [] };
  for (const { name } of await deps.apps.list()) {
    report.apps++;
    try {
      if ((await deps.apps.readWebhookSecret(name)).resealed) report.resealed++;
      report.resealed += (await deps.buildSecrets.read(name)).resealed;
      report.resealed += await deps.secrets.reseal(name);
      if (deps.repoCredentials) report.resealed += (await deps.repoCredentials.read(name)).resealed;
    } catch (error) {
      report.unreadable.push({ app: name, reason: error instanceof Error ? error.message : String(error) });
    }
  }
  return report;
}
