import type { Config } from '../config.js';
import { NotFoundError } from '../errors.js';
import { repoCredentialFromInput } from '../git/repo-credential.js';
import { repoUrlPolicy } from '../git/repo-url.js';
import type { AppStore } from '../store/app-store.js';
import type { RepoCredentialStore } from '../store/repo-credential-store.js';
import type { RepoCredentialInput, RepoCredentialSummary } from '../store/schemas/repo-credential.js';

type Deps = { apps: AppStore; repoCredentials: RepoCredentialStore; config: Pick<Config, 'allowedRepoSchemes' | 'allowPrivateRepoHosts'> };

/** Sets or rotates an app's repo credential (checked against its repo URL); the answer holds no secret. */
export async function setRepoCredential(deps: Deps, params: { app: string; input: RepoCredentialInput }): Promise<RepoCredentialSummary> {
  const app = await deps.apps.get(params.app);
  const credential = repoCredentialFromInput({ app: app.name, url: app.repo, input: params.input, policy: repoUrlPolicy(deps.config) });
  return deps.repoCredentials.set(app.name, credential);
}

export async function repoCredentialSummary(deps: Omit<Deps, 'config'>, app: string): Promise<RepoCredentialSummary> {
  await deps.apps.get(app);
  const summary = await deps.repoCredentials.summary(app);
  if (!summary) throw notFound(app);
  return summary;
}

/** Removes it: the repo is cloned without a credential from then on. */
export async function removeRepoCredential(deps: Omit<Deps, 'config'>, app: string): Promise<void> {
  await deps.apps.get(app);
  if (!(await deps.repoCredentials.remove(app))) throw notFound(app);
}

const notFound = (app: string) => new NotFoundError('REPO_CREDENTIAL_NOT_FOUND', `app "${app}" has no repo credential`, { app });
