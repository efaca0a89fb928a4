// Shapes the API answers with that are not stored records (those are in src/store/types.ts),
// each the static type of its JSON Schema in src/store/schemas/views.ts.
// Type-only imports: the dashboard (web/) reads these types too.
import type { Static } from 'typebox';
import type {
  appHealthSchema,
  appStatusSchema,
  buildSecretSummarySchema,
  healthStateSchema,
  hookReplySchema,
  podHealthSchema,
  provisionedDatabaseSchema,
  volumeViewSchema,
} from './schemas/views.js';

export type HealthState = Static<typeof healthStateSchema>;
export type PodHealth = Static<typeof podHealthSchema>;
export type AppHealth = Static<typeof appHealthSchema>;
/** GET /apps/:app/status: the app's health with the release that should be running. */
export type AppStatus = Static<typeof appStatusSchema>;
/** GET /databases: one workload a template provisioned. */
export type ProvisionedDatabase = Static<typeof provisionedDatabaseSchema>;
/** The answer to every webhook delivery: a build id, or the reason nothing was built. */
export type HookReply = Static<typeof hookReplySchema>;
/** A build secret as the API shows it: never the value, only a fingerprint to tell versions apart. */
export type BuildSecretSummary = Static<typeof buildSecretSummarySchema>;
/** An app volume with the claim it mounts. */
export type VolumeView = Static<typeof volumeViewSchema>;
