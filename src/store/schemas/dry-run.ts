// The answer to a dry run (`?dryRun=true` on POST /apps, POST /apps/:app/releases, PATCH /apps/:app
// and PATCH /apps/:app/env): what a change would apply and how the live objects would change.
import { Type } from 'typebox';
import { closed, opaqueObject, stringEnum } from './type-helpers.js';

/** One field that would change: its path (`spec.template.spec.containers[0].image`) and JSON values, absent when the field is. */
export const fieldChangeSchema = Type.Object(
  { path: Type.String(), before: Type.Optional(Type.String()), after: Type.Optional(Type.String()) },
  closed,
);

/**
 * What a dry run says of one object: `create` (no live object), `change` (with the fields),
 * `unchanged`, `kept` (created only when absent, and it is there: a volume claim, the app's
 * Secret version), `unchecked` (its namespace does not exist yet, so the API server could not
 * be asked), `refused` (the API server refuses it; `message` says why), or `delete` (the app's
 * Ingress or HPA the release does not render: the deploy worker would delete it).
 */
export const objectChangeSchema = Type.Object(
  {
    kind: Type.String(),
    name: Type.String(),
    namespace: Type.Optional(Type.String()),
    action: stringEnum(['create', 'change', 'unchanged', 'kept', 'unchecked', 'refused', 'delete']),
    fields: Type.Array(fieldChangeSchema),
    message: Type.Optional(Type.String()),
  },
  closed,
);

export const dryRunSchema = Type.Object(
  {
    dryRun: Type.Literal(true),
    app: Type.String(),
    /** The number the release would get if nothing else made one first (none is reserved). */
    release: Type.Integer(),
    image: Type.String(),
    /** Every object the change would apply or create, in order, Secret values hidden. */
    manifests: Type.Array(opaqueObject()),
    changes: Type.Array(objectChangeSchema),
    /** What the manifests cannot show: a build that would run first, an object only the deploy worker can render. */
    notes: Type.Array(Type.String()),
  },
  { ...closed, description: 'What a change would apply, and the diff against the live objects; nothing was changed.' },
);

/** `?dryRun=true`: answer what the request would apply (200, dryRunSchema) and change nothing. */
export const dryRunQuerySchema = Type.Object({ dryRun: Type.Optional(Type.Boolean()) }, closed);
