// The app record as JSON Schema, and what POST /apps takes to make one. The App type in
// src/store/types.ts is `appSchema`'s static type.
import { Type } from 'typebox';
import { deployConfigPatchSchema, deployConfigSchema } from './deploy-config.js';
import { repoCredentialInputSchema } from './repo-credential.js';
import { closed, mapOf } from './type-helpers.js';

/** An app name: a DNS-1123 label, since it becomes a Kubernetes object name and an image repository. */
export const APP_NAME_PATTERN = '^[a-z]([a-z0-9-]{0,61}[a-z0-9])?$';

const BRANCH = '^(?!-)(?!.*\\.\\.)[A-Za-z0-9._/-]+$';
/** A branch pattern: a branch name that may hold `*` (within a path segment) and `**` (across them). */
const BRANCH_PATTERN = '^(?!-)(?!.*\\.\\.)[A-Za-z0-9._/*-]+$';

/**
 * Build args become `--build-arg NAME=value` of a Dockerfile's `ARG NAME`: names as docker and
 * a shell take them, and bounded, since every one is sent with every build.
 */
export const BUILD_ARG_NAME = '^[A-Za-z_][A-Za-z0-9_]*$';
export const BUILD_ARG_LIMITS = { name: 128, value: 4096, count: 100 } as const;
/** For the schemas that take build args by other shapes (PATCH's nulls). */
export const buildArgNames = { pattern: BUILD_ARG_NAME, maxLength: BUILD_ARG_LIMITS.name };

/** How an app is built: set on create, changed with PATCH /apps/:app/build-config. */
export const buildSettingFields = {
  contextDir: Type.String({ maxLength: 1024, description: 'Directory inside the repo that is the build context.' }),
  dockerfile: Type.String({ maxLength: 1024, description: 'Dockerfile path relative to the context dir; when absent, detection decides.' }),
  buildArgs: mapOf(Type.String({ maxLength: BUILD_ARG_LIMITS.value }), {
    maxProperties: BUILD_ARG_LIMITS.count,
    propertyNames: buildArgNames,
    description: `Docker build args: names match ${BUILD_ARG_NAME} (at most ${BUILD_ARG_LIMITS.name} characters), values at most ${BUILD_ARG_LIMITS.value} characters, at most ${BUILD_ARG_LIMITS.count} args.`,
  }),
  builder: Type.String({
    pattern: '^[a-z0-9-]+(:[0-9]+(\\.[0-9]+){0,2})?$',
    maxLength: 63,
    description: 'An S2I builder chosen by name instead of detection, optionally with a runtime version (`python:3.11`, as `oc new-app python:3.11~repo`).',
  }),
  port: Type.Integer({ minimum: 1, maximum: 65535 }),
  postCommit: Type.Object(
    {
      script: Type.Optional(Type.String({ maxLength: 10_000 })),
      command: Type.Optional(Type.Array(Type.String())),
      args: Type.Optional(Type.Array(Type.String())),
    },
    { ...closed, description: "A test run in the built image before it is pushed (OpenShift's postCommit)." },
  ),
};

const appFields = {
  name: Type.String({ pattern: APP_NAME_PATTERN }),
  repo: Type.String({ minLength: 1, maxLength: 2048 }),
  branch: Type.String({ pattern: BRANCH, maxLength: 255 }),
  branches: Type.Array(Type.String({ pattern: BRANCH_PATTERN, maxLength: 255 }), {
    maxItems: 50,
    description: "Branches whose pushes are built (`*` matches within a path segment, `**` across them); unset means only `branch`. Only `branch`'s builds are deployed.",
  }),
};

export const appSchema = Type.Object(
  {
    name: appFields.name,
    repo: appFields.repo,
    branch: appFields.branch,
    branches: Type.Optional(appFields.branches),
    contextDir: buildSettingFields.contextDir,
    dockerfile: Type.Optional(buildSettingFields.dockerfile),
    buildArgs: buildSettingFields.buildArgs,
    builder: Type.Optional(buildSettingFields.builder),
    postCommit: Type.Optional(buildSettingFields.postCommit),
    port: buildSettingFields.port,
    deploy: deployConfigSchema,
    createdAt: Type.String(),
  },
  closed,
);

/** POST /apps: a name and a repo; everything else has a default. */
export const newAppSchema = Type.Object(
  {
    name: appFields.name,
    repo: appFields.repo,
    branch: Type.Optional(appFields.branch),
    branches: Type.Optional(appFields.branches),
    contextDir: Type.Optional(buildSettingFields.contextDir),
    dockerfile: Type.Optional(buildSettingFields.dockerfile),
    buildArgs: Type.Optional(buildSettingFields.buildArgs),
    builder: Type.Optional(buildSettingFields.builder),
    port: Type.Optional(buildSettingFields.port),
    postCommit: Type.Optional(buildSettingFields.postCommit),
    deploy: Type.Optional(deployConfigPatchSchema),
    // issue 19, private repos: stored apart from the app record, never answered back.
    repoCredential: Type.Optional(repoCredentialInputSchema),
  },
  closed,
);

/** One scale change of an app, kept newest first. */
export const scaleEventSchema = Type.Object({ from: Type.Integer(), to: Type.Integer(), at: Type.String() }, closed);
