import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { removeRepoCredential, repoCredentialSummary, setRepoCredential } from '../../apps/set-repo-credential.js';
import { repoCredentialInputSchema, repoCredentialSummarySchema } from '../../store/schemas/repo-credential.js';
import { closed } from '../../store/schemas/type-helpers.js';
import type { ApiDeps } from '../deps.js';
import { appNameParams } from '../schemas.js';

/**
 * issue 19, private repos: an app's HTTPS token or SSH deploy key. Write-only: every answer
 * describes the credential (kind, fingerprint, public key, pinned host keys), never its secret.
 */
export default async function repoCredentialRoutes(instance: FastifyInstance, deps: ApiDeps): Promise<void> {
  const app = instance.withTypeProvider<TypeBoxTypeProvider>();

  app.get('/apps/:app/repo-credential', { schema: { params: appNameParams, response: { 200: repoCredentialSummarySchema } } }, async (request) =>
    repoCredentialSummary(deps, request.params.app),
  );

  /** Sets or rotates it; `generate: "ed25519"` answers with the public key to add to the git host. */
  app.put(
    '/apps/:app/repo-credential',
    { schema: { params: appNameParams, body: repoCredentialInputSchema, response: { 200: repoCredentialSummarySchema } } },
    async (request) => setRepoCredential(deps, { app: request.params.app, input: request.body }),
  );

  app.delete(
    '/apps/:app/repo-credential',
    { schema: { params: appNameParams, response: { 200: Type.Object({ removed: Type.Boolean() }, closed) } } },
    async (request) => {
      await removeRepoCredential(deps, request.params.app);
      return { removed: true };
    },
  );
}
