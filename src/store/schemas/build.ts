// The build record as JSON Schema. The Build types in src/store/types.ts are these schemas' static types.
import { Type } from 'typebox';
import { closed, stringEnum } from './type-helpers.js';

/** Every state a build passes through; the last three are final (FINAL_BUILD_STATES). */
export const buildStateSchema = stringEnum(['queued', 'cloning', 'building', 'pushing', 'succeeded', 'failed', 'cancelled']);

export const buildTriggerSchema = Type.Object(
  { kind: stringEnum(['webhook', 'api']), provider: Type.Optional(Type.String()), deliveryId: Type.Optional(Type.String()) },
  closed,
);

export const buildStrategySchema = Type.Object(
  {
    name: Type.String({ description: "`docker` or the S2I builder's name, e.g. `nodejs`." }),
    reasons: Type.Array(Type.String(), { description: 'Why it was chosen: the files that decided it.' }),
  },
  closed,
);

export const buildSchema = Type.Object(
  {
    id: Type.String(),
    app: Type.String(),
    number: Type.Integer(),
    ref: Type.String(),
    sha: Type.String(),
    state: buildStateSchema,
    trigger: buildTriggerSchema,
    strategy: Type.Optional(buildStrategySchema),
    releaseCommand: Type.Optional(
      Type.String({ description: "The Procfile `release:` command (S2I builds): the pre-deploy hook of the build's releases unless the app has its own." }),
    ),
    image: Type.Optional(Type.Object({ repository: Type.String(), tags: Type.Array(Type.String()), digest: Type.String() }, closed)),
    cancellation: Type.Optional(
      Type.Object(
        { reason: Type.String(), step: buildStateSchema },
        { ...closed, description: 'Cancelled: why (superseded by a newer push, or asked through the API) and in which state.' },
      ),
    ),
    failure: Type.Optional(
      Type.Object(
        { step: buildStateSchema, code: Type.String(), reason: Type.String(), logTail: Type.Array(Type.String()) },
        { ...closed, description: 'On failure: the state the build was in and why.' },
      ),
    ),
    createdAt: Type.String(),
    startedAt: Type.Optional(Type.String()),
    finishedAt: Type.Optional(Type.String()),
  },
  closed,
);
