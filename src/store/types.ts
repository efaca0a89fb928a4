// Records Slipway keeps in Redis. Each type is the static type of its JSON Schema in
// src/store/schemas/, which the API validates requests and writes answers with: one source.
// Only `import type` of the schemas: the dashboard (web/) imports this file, and bundles none of them.
import type { Static } from 'typebox';
import type { appSchema, newAppSchema, scaleEventSchema } from './schemas/app.js';
import type { buildSchema, buildStateSchema, buildStrategySchema, buildTriggerSchema } from './schemas/build.js';
import type {
  deployConfigPatchSchema,
  deployConfigSchema,
  hookSpecSchema,
  postHookSpecSchema,
  probeSpecSchema,
  strategySchema,
  verifySpecSchema,
  volumeInputSchema,
  volumeSpecSchema,
  routeInputSchema,
  routeSchema,
  routeTlsSchema,
} from './schemas/deploy-config.js';
import type { hookRunSchema, preHookChoiceSchema, releaseSchema, releaseStatusSchema, releaseTriggerSchema, verificationSchema, progressSchema, stepAnalysisSchema, metricResultSchema } from './schemas/release.js';

export type App = Static<typeof appSchema>;
/** An app as POST /apps takes it: a name and a repo; everything else has a default. */
export type NewApp = Static<typeof newAppSchema>;
/** One scale change of an app (newest first in its history). */
export type ScaleEvent = Static<typeof scaleEventSchema>;

/** How an app runs on Kubernetes. Every release keeps a copy, so a rollback restores it too. */
export type DeployConfig = Static<typeof deployConfigSchema>;
/** A (partial) deploy config as a request sends it: hooks may leave their defaults out. */
export type DeployConfigPatch = Static<typeof deployConfigPatchSchema>;
export type HookSpec = Static<typeof hookSpecSchema>;
export type PostHookSpec = Static<typeof postHookSpecSchema>;
export type StrategySpec = Static<typeof strategySchema>;
export type VolumeSpec = Static<typeof volumeSpecSchema>;
/** A volume as a request gives it: name and access mode may be left to their defaults. */
export type VolumeInput = Static<typeof volumeInputSchema>;
export type VolumeAccessMode = VolumeSpec['accessMode'];
/** A host and path of an app's Ingress (besides `host`, served at `/`). */
export type RouteSpec = Static<typeof routeSchema>;
/** TLS for one routed host: a Secret, or one a cert-manager issuer makes. */
export type RouteTls = Static<typeof routeTlsSchema>;
/** A route as POST /apps/:app/routes takes it, with TLS for its host. */
export type RouteInput = Static<typeof routeInputSchema>;
export type ProbeSpec = Static<typeof probeSpecSchema>;
export type VerifySpec = Static<typeof verifySpecSchema>;
/** What a release's verification by real HTTP requests came to. */
export type Verification = Static<typeof verificationSchema>;
/** Where a blue-green or canary rollout stands, kept on the release. */
export type Progress = Static<typeof progressSchema>;
export type StepAnalysis = Static<typeof stepAnalysisSchema>;
export type MetricResult = Static<typeof metricResultSchema>;

/** What one hook Job came to, kept on the release. */
export type HookRun = Static<typeof hookRunSchema>;
/** Which pre hook a release runs (the app's, or its image's Procfile `release:`) and why. */
export type PreHookChoice = Static<typeof preHookChoiceSchema>;
export type ReleaseStatus = Static<typeof releaseStatusSchema>;
export type ReleaseTrigger = Static<typeof releaseTriggerSchema>;
/** A numbered, immutable deployable: image digest + config + the exact manifests applied. */
export type Release = Static<typeof releaseSchema>;

/** Where a release's rollout ended (the CLI and the dashboard wait for one of these). */
export const SETTLED_RELEASE_STATES: readonly ReleaseStatus[] = ['current', 'superseded', 'failed', 'rolled-back'];
/** Releases that were current once and were replaced: what a rollback goes back to. */
export const FORMER_RELEASE_STATES: readonly ReleaseStatus[] = ['superseded', 'rolled-back'];

export type BuildState = Static<typeof buildStateSchema>;
export const FINAL_BUILD_STATES: readonly BuildState[] = ['succeeded', 'failed', 'cancelled'];
export type BuildTrigger = Static<typeof buildTriggerSchema>;
export type Strategy = Static<typeof buildStrategySchema>;
export type Build = Static<typeof buildSchema>;
