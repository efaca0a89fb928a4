import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { Type, type Static } from 'typebox';
import { changeFiles, fileMountViews } from '../../apps/app-files.js';
import type { FileUpload } from '../../apps/file-set-change.js';
import { SlipwayError } from '../../errors.js';
import type { FileKind } from '../../releases/render/render-files.js';
import { closed, mapOf, orNull } from '../../store/schemas/type-helpers.js';
import type { ApiDeps } from '../deps.js';
import { appParams, releaseOrNull } from '../schemas.js';

const base64 = Type.String({ pattern: '^[A-Za-z0-9+/]*={0,2}$', description: 'The bytes, base64.' });
const putBody = mapOf(
  Type.Object(
    {
      content: Type.Optional(base64),
      files: Type.Optional(mapOf(base64, { propertyNames: { maxLength: 253 }, minProperties: 1, maxProperties: 500, description: 'A directory: each file by name.' })),
    },
    { ...closed, minProperties: 1, maxProperties: 1, description: 'One file (`content`) or a directory of files (`files`).' },
  ),
  { propertyNames: { pattern: '^/', maxLength: 1024 }, minProperties: 1, maxProperties: 50, description: 'By mount path.' },
);

const fileView = Type.Object({ name: Type.String(), size: Type.Integer(), sha256: Type.Optional(Type.String()) }, closed);
const setView = {
  version: orNull(Type.String()),
  mounts: Type.Array(Type.Object({ path: Type.String(), dir: Type.Boolean(), files: Type.Array(fileView) }, closed)),
};

/** Bodies carry base64 (4/3 of the bytes) of up to 1 MiB of files, and JSON around it. */
const BODY_LIMIT = 2 * 1024 * 1024;

function uploadsOf(body: Static<typeof putBody>): FileUpload[] {
  return Object.entries(body).map(([path, given]) => {
    if (given.files) return { path, dir: true, files: given.files };
    return { path, dir: false, files: { [path.slice(path.lastIndexOf('/') + 1)]: given.content ?? '' } };
  });
}

/**
 * issue 19: files mounted into an app's container, `/apps/:app/files` (a ConfigMap) and
 * `/apps/:app/secret-files` (a Secret). Every answer lists paths, names and sizes (and a config
 * file's sha256), never contents. A change that changes something is a new release of a running app.
 */
export default async function appFileRoutes(instance: FastifyInstance, deps: ApiDeps): Promise<void> {
  const app = instance.withTypeProvider<TypeBoxTypeProvider>();
  for (const [segment, kind] of [['files', 'files'], ['secret-files', 'secretFiles']] as Array<[string, FileKind]>) {
    const url = `/apps/:app/${segment}`;
    app.get(url, { schema: { params: appParams, response: { 200: Type.Object(setView, closed) } } }, async (request) =>
      fileMountViews(await deps.apps.get(request.params.app), kind),
    );

    app.put(
      url,
      { bodyLimit: BODY_LIMIT, schema: { params: appParams, body: putBody, response: { 200: Type.Object({ ...setView, release: releaseOrNull }, closed) } } },
      async (request) => {
        const { app: changed, release } = await changeFiles(deps, { app: request.params.app, kind, set: uploadsOf(request.body) });
        return { ...fileMountViews(changed, kind), release: release ?? null };
      },
    );

    app.delete(
      url,
      {
        schema: {
          params: appParams,
          querystring: Type.Object({ path: Type.String({ maxLength: 1024 }) }, closed),
          response: { 200: Type.Object({ ...setView, release: releaseOrNull }, closed) },
        },
      },
      async (request) => {
        if (!request.query.path.startsWith('/')) throw new SlipwayError('FILE_PATH_INVALID', `mount path "${request.query.path}" must be absolute`, { path: request.query.path });
        const { app: changed, release } = await changeFiles(deps, { app: request.params.app, kind, remove: [request.query.path] });
        return { ...fileMountViews(changed, kind), release: release ?? null };
      },
    );
  }
}
