// Typed errors with stable codes. Callers switch on `code`; the API maps codes to HTTP
// statuses in one place (src/api/error-handler.ts). Messages are for people.

export type ErrorCode =
  | 'CONFIG_INVALID'
  | 'AUTH_REQUIRED'
  | 'AUTH_INVALID'
  | 'VALIDATION_FAILED'
  | 'APP_NOT_FOUND'
  | 'APP_EXISTS'
  | 'BUILD_NOT_FOUND'
  | 'BUILD_SECRET_NOT_FOUND'
  | 'RELEASE_NOT_FOUND'
  | 'RELEASE_NOT_DEPLOYABLE'
  | 'ROLLOUT_NOT_IN_PROGRESS'
  | 'DEPLOY_APPLY_FAILED'
  | 'CLUSTER_UNREACHABLE'
  | 'NAMESPACE_NOT_MANAGED'
  | 'REPO_URL_INVALID'
  | 'REPO_UNREACHABLE'
  | 'REPO_REF_NOT_FOUND'
  | 'WEBHOOK_SIGNATURE_MISSING'
  | 'WEBHOOK_SIGNATURE_INVALID'
  | 'WEBHOOK_PAYLOAD_INVALID'
  | 'BUILD_CLONE_FAILED'
  | 'BUILD_STRATEGY_UNKNOWN'
  | 'BUILD_S2I_INVALID'
  // issue 14, untrusted checkout: a repo file refused (a link out of the checkout, a device, too large).
  | 'BUILD_REPO_INVALID'
  | 'BUILD_IMAGE_FAILED'
  | 'BUILD_PUSH_FAILED'
  | 'BUILD_TEST_FAILED'
  | 'BUILD_NOT_CANCELLABLE'
  | 'BUILD_CANCELLED'
  | 'BUILD_WORKER_LOST'
  // issue 16, real repos: a build step names what it could not get (a Gradle distribution, a
  // Packagist package) or that it made no single runnable output (src/builds/builder-failure.ts).
  | 'BUILD_TOOL_UNAVAILABLE'
  | 'BUILD_DEPENDENCY_UNAVAILABLE'
  | 'BUILD_OUTPUT_NOT_RUNNABLE'
  // issue 16, runtime versions: the version an app pins (its builder's `python:3.8`, runtime.txt,
  // engines.node...) is not one its builder offers (src/builds/versions/choose-version.ts).
  | 'BUILD_VERSION_UNAVAILABLE'
  | 'TEMPLATE_INVALID'
  | 'TEMPLATE_NOT_FOUND'
  | 'TEMPLATE_PARAMETER_MISSING'
  | 'TEMPLATE_PARAMETER_UNKNOWN'
  | 'TEMPLATE_EXPRESSION_INVALID'
  | 'VOLUME_EXISTS'
  | 'VOLUME_NOT_FOUND'
  // issue 14, API hardening and namespaces/templates: HTTP-level refusals (bad body, unknown
  // route, slow client, flood) and a namespace or template object Slipway may not deploy.
  | 'BODY_INVALID'
  | 'BODY_TOO_LARGE'
  | 'UNSUPPORTED_MEDIA_TYPE'
  | 'REQUEST_INVALID'
  | 'REQUEST_TIMEOUT'
  | 'ROUTE_NOT_FOUND'
  | 'RATE_LIMITED'
  | 'NAMESPACE_FORBIDDEN'
  | 'TEMPLATE_FORBIDDEN'
  // issue 14, SSRF, queue sweeping and secrets at rest: a repo host Slipway must not reach, a
  // queued build whose job kept vanishing, a stored secret no configured key opens.
  | 'REPO_URL_FORBIDDEN'
  | 'BUILD_JOB_LOST'
  | 'SECRET_UNREADABLE'
  // issue 19, the ReadWriteOnce trap: a change that would leave a pod waiting forever on a volume
  // another node holds (replicas > 1 or a chosen Rolling strategy with a single-node volume).
  | 'VOLUME_SINGLE_NODE'
  // issue 19, private repos: the git host refused the app's repo credential (or its absence), an
  // SSH host key is not the one pinned for the app, an app has no repo credential to remove.
  | 'REPO_AUTH_FAILED'
  | 'REPO_HOST_KEY_MISMATCH'
  | 'REPO_CREDENTIAL_NOT_FOUND'
  // issue 19, Ingress routes: a host and path the app already has or does not have (ROUTE_NOT_FOUND
  // is the API's unknown URL), and a cert-manager issuer asked of a cluster without cert-manager.
  | 'APP_ROUTE_EXISTS'
  | 'HOST_ALREADY_CLAIMED'
  | 'APP_ROUTE_NOT_FOUND'
  | 'CERT_MANAGER_MISSING'
  // issue 19, config and secret files: a mount path or file name that cannot be mounted, a path
  // another mount or a volume already takes, files over Kubernetes' 1 MiB per object, a path not mounted.
  | 'FILE_PATH_INVALID'
  | 'FILE_PATH_CONFLICT'
  | 'FILES_TOO_LARGE'
  | 'FILE_NOT_FOUND'
  // issue 19, autoscaling: `scale` on an app whose HorizontalPodAutoscaler owns the replica count.
  | 'AUTOSCALE_OWNS_REPLICAS';

export class SlipwayError extends Error {
  readonly code: ErrorCode;
  readonly details: Record<string, unknown>;

  constructor(code: ErrorCode, message: string, details: Record<string, unknown> = {}) {
    super(message);
    this.name = new.target.name;
    this.code = code;
    this.details = details;
  }
}

export class ConfigError extends SlipwayError {
  constructor(readonly variable: string, problem: string) {
    super('CONFIG_INVALID', `${variable} ${problem}`, { variable });
  }
}

export class NotFoundError extends SlipwayError {}

export class ValidationError extends SlipwayError {
  constructor(message: string, details: Record<string, unknown> = {}) {
    super('VALIDATION_FAILED', message, details);
  }
}

export class WebhookError extends SlipwayError {}

/** A build step failed; `step` is the build state it failed in. */
export class BuildStepError extends SlipwayError {
  constructor(params: { code: ErrorCode; step: string; message: string; logTail?: string[] }) {
    super(params.code, params.message, { step: params.step, logTail: params.logTail ?? [] });
  }

  get step(): string {
    return this.details.step as string;
  }
}
