// issue 19, config and secret files: what a deploy config records of the files mounted into an
// app's container. Contents never enter a record: they live in Redis, sealed, under `version`
// (file-contents.ts), and in the immutable ConfigMap or Secret the release's pods mount.
import { Type, type Static } from 'typebox';
import { closed } from './type-helpers.js';

/** A ConfigMap or Secret key, and so the name of a mounted file (Kubernetes' own rule). */
export const FILE_NAME_PATTERN = '^[-._a-zA-Z0-9]+$';

const fileEntrySchema = Type.Object(
  {
    name: Type.String({ pattern: FILE_NAME_PATTERN, maxLength: 253, description: 'The file name in the mounted directory (a file mount: the last segment of its path).' }),
    key: Type.String({ pattern: FILE_NAME_PATTERN, maxLength: 253, description: "The key in the release's ConfigMap or Secret." }),
    size: Type.Integer({ minimum: 0, description: 'Bytes.' }),
    sha256: Type.Optional(Type.String({ pattern: '^[0-9a-f]{64}$', description: "Config files only: a secret file's digest would let a reader test guesses." })),
  },
  closed,
);

export const fileMountSchema = Type.Object(
  {
    path: Type.String({ pattern: '^/', maxLength: 1024, description: 'Where the file, or the directory of files, appears in the container.' }),
    dir: Type.Boolean({ description: 'A directory of files; otherwise one file, mounted with subPath so the rest of its directory stays.' }),
    entries: Type.Array(fileEntrySchema, { minItems: 1 }),
  },
  closed,
);

export const fileSetSchema = Type.Object(
  {
    version: Type.String({ pattern: '^[0-9a-f]{10}$' }),
    mounts: Type.Array(fileMountSchema, { minItems: 1, maxItems: 50 }),
  },
  {
    ...closed,
    description:
      'Files mounted into the app\'s container: which paths and which keys, never the contents. Contents live sealed in Redis under `version`, and in the immutable object `<app>-files-<version>` (ConfigMap) or `<app>-secret-files-<version>` (Secret).',
  },
);

export type FileEntry = Static<typeof fileEntrySchema>;
export type FileMount = Static<typeof fileMountSchema>;
export type FileSet = Static<typeof fileSetSchema>;
