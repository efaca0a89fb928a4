import type { BuilderImages } from '../config.js';
import { SlipwayError } from '../errors.js';
import { resolveImage, type BuilderDefinition } from './builder-definition.js';
import { execForm, renderTemplate } from './dockerfile-template.js';
import type { PlanInput } from './plan.js';
import { procfileRelease } from './builders/procfile.js';
import { PLANNERS } from './planners.js';
import { readS2iOverrides, S2I_FILES, type S2iOverrides } from './s2i-overrides.js';
import { chooseVersion } from './versions/choose-version.js';
import { readVersionPin } from './versions/read-pin.js';

/** Where a `.s2i/bin/run` override lands in the runtime image. */
const RUN_SCRIPT = '/usr/local/bin/s2i-run';

export interface GeneratedDockerfile {
  text: string;
  /** The version chosen, the planner's decisions and the overrides applied, for the build record. */
  reasons: string[];
  /** The Procfile `release:` command: the releases' pre-deploy hook unless the app has one. */
  releaseCommand?: string;
}

/**
 * Renders the multi-stage Dockerfile for an S2I builder and the app's context.
 *
 * Every builders/<name>/Dockerfile.tpl has these shared placeholders, filled here:
 * `{{builderImage}}`, `{{runtimeImage}}`, `{{port}}`; `{{buildEnv}}` after WORKDIR in each
 * builder stage (build-secret ARGs and `.s2i/environment`); `{{buildSteps}}` after the
 * sources are copied into the `build` stage (the planner's, or `.s2i/bin/assemble`);
 * `{{runtimeEnv}}` and `{{runOverride}}` in the runtime stage before USER; `CMD {{startCommand}}`.
 * The planner fills the rest. The images are those of the runtime version chosen from the
 * app's pinned builder version, the repo's pin or the builder's default (src/builds/versions/).
 */
export async function generateDockerfile(params: {
  builder: BuilderDefinition;
  /** The app's context dir, through reader functions (see checkout-reader.ts). */
  input: PlanInput;
  images: BuilderImages;
  port: number;
  /** Build-secret names: ARGs in the builder stages only, never in the runtime stage. */
  secrets?: string[];
  /** The runtime version pinned on the app with its builder (`3.11` of `python:3.11`); beats the repo's pin. */
  version?: string;
}): Promise<GeneratedDockerfile> {
  const { builder, input, images, port } = params;
  const planner = PLANNERS[builder.name];
  if (!planner) throw new SlipwayError('BUILD_STRATEGY_UNKNOWN', `builder "${builder.name}" has no planner`);
  // First, so a version that is not offered fails the build before anything else is planned.
  const version = chooseVersion({ builder: builder.name, versions: builder.versions, appVersion: params.version, pin: await readVersionPin({ of: builder.versions.of, input }) });
  const plan = await planner(input);
  const overrides = await readS2iOverrides(input);
  const values: Record<string, string> = {
    ...plan.values,
    builderImage: resolveImage(version.images.builder, images),
    runtimeImage: resolveImage(version.images.runtime, images),
    port: String(port),
    ...overrideValues({ overrides, planned: plan.values, secrets: params.secrets ?? [], versionEnv: version.env }),
  };
  const releaseCommand = procfileRelease(await input.read('Procfile'));
  const releaseReasons = releaseCommand ? [`release: ${releaseCommand} (Procfile release:), the pre-deploy hook unless the app has one`] : [];
  return {
    text: renderTemplate(builder.template, values),
    reasons: [version.reason, ...plan.reasons, ...overrideReasons(overrides), ...releaseReasons],
    ...(releaseCommand ? { releaseCommand } : {}),
  };
}

function overrideValues(params: { overrides: S2iOverrides; planned: Record<string, string>; secrets: string[]; versionEnv: Record<string, string> }): Record<string, string> {
  const { overrides, planned, secrets, versionEnv } = params;
  const buildSteps = [
    overrides.assemble ? `RUN chmod +x ${S2I_FILES.assemble} && ./${S2I_FILES.assemble}` : (planned.buildSteps ?? ''),
    // COPY --chmod needs BuildKit; the classic builder keeps the mode the file has here.
    overrides.run ? `RUN chmod 755 ${S2I_FILES.run}` : '',
  ];
  return {
    // The version's toolchain variables first: the app's .s2i/environment may still set its own.
    buildEnv: [...secrets.map((name) => `ARG ${name}`), ...envLines(versionEnv), ...envLines({ ...overrides.buildEnv, ...overrides.runtimeEnv })].join('\n'),
    buildSteps: buildSteps.filter(Boolean).join('\n'),
    runtimeEnv: envLines(overrides.runtimeEnv).join('\n'),
    runOverride: overrides.run ? `COPY --from=build --chown=1001:0 /app/${S2I_FILES.run} ${RUN_SCRIPT}` : '',
    startCommand: overrides.run ? execForm([RUN_SCRIPT]) : (planned.startCommand ?? ''),
  };
}

/** `ENV NAME="value"`: quotes and `$` escaped so the value arrives as written. */
function envLines(env: Record<string, string>): string[] {
  return Object.entries(env).map(([name, value]) => `ENV ${name}="${value.replace(/[\\"$]/g, (c) => `\\${c}`)}"`);
}

function overrideReasons(overrides: S2iOverrides): string[] {
  return [
    ...(Object.keys(overrides.buildEnv).length ? [`build env from ${S2I_FILES.environment}: ${Object.keys(overrides.buildEnv).join(', ')}`] : []),
    ...(Object.keys(overrides.runtimeEnv).length ? [`runtime env from ${S2I_FILES.runtimeEnvironment}: ${Object.keys(overrides.runtimeEnv).join(', ')}`] : []),
    ...(overrides.assemble ? [`build: ${S2I_FILES.assemble}`] : []),
    ...(overrides.run ? [`start: ${S2I_FILES.run}`] : []),
  ];
}
