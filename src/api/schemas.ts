// The schemas routes share. Records and views are defined once, in src/store/schemas/; here
// they are registered under an `$id` (their OpenAPI component name) and referenced as `<id>#`.
import { Type, type Static, type TSchema } from 'typebox';
import { APP_NAME_PATTERN, appSchema } from '../store/schemas/app.js';
import { buildSchema } from '../store/schemas/build.js';
import { releaseSchema } from '../store/schemas/release.js';
import { closed, opaqueObject } from '../store/schemas/type-helpers.js';
import { hookReplySchema } from '../store/schemas/views.js';

// Keywords whose value maps names to schemas: a property called "required" is not the keyword.
const SCHEMA_MAPS = new Set(['properties', 'patternProperties', '$defs', 'definitions']);

function withoutRequired(node: unknown, isMap = false): unknown {
  if (Array.isArray(node)) return node.map((item) => withoutRequired(item));
  if (typeof node !== 'object' || node === null) return node;
  return Object.fromEntries(
    Object.entries(node)
      .filter(([key]) => isMap || key !== 'required')
      .map(([key, value]) => [key, withoutRequired(value, !isMap && SCHEMA_MAPS.has(key))]),
  );
}

/**
 * The schema a stored record is answered with: every property of it (fast-json-stringify drops
 * what a response schema does not list), none required. fast-json-stringify throws on a missing
 * required property, and a record written before a field existed must still read back.
 */
export function answerOf<S extends TSchema>(schema: S): S {
  return withoutRequired(schema) as S;
}

/** A schema registered once under `id`, and the `$ref` that routes use for it (typed as the schema). */
function shared<S extends TSchema>(id: string, schema: S) {
  return { schema: { ...schema, $id: id }, ref: Type.Unsafe<Static<S>>({ $ref: `${id}#` }) };
}

const error = shared(
  'Error',
  Type.Object(
    {
      error: Type.Object(
        // `details` is whatever the error carries for a caller to act on (a field, an app, a build): it differs per code.
        { code: Type.String(), message: Type.String(), details: Type.Optional(opaqueObject()) },
        closed,
      ),
    },
    closed,
  ),
);
const app = shared('App', answerOf(appSchema));
const build = shared('Build', answerOf(buildSchema));
const release = shared('Release', answerOf(releaseSchema));
const hookReply = shared('HookReply', hookReplySchema);

export const sharedSchemas = [error.schema, app.schema, build.schema, hookReply.schema, release.schema];

export const appRef = app.ref;
export const buildRef = build.ref;
export const releaseRef = release.ref;
export const hookReplyRef = hookReply.ref;
/** The release a change made, or null when it made none (no current release to roll out). */
export const releaseOrNull = Type.Union([releaseRef, Type.Null()]);

/** `:app` checked as a name (a malformed one is 400). */
export const appNameParams = Type.Object({ app: Type.String({ pattern: APP_NAME_PATTERN }) }, closed);

/** `:app` looked up as given (a malformed one is simply not found, 404). */
export const appParams = Type.Object({ app: Type.String({ maxLength: 63 }) }, closed);
