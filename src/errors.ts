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
  | 'BUILD_IMAGE_FAILED'
  | 'BUILD_PUSH_FAILED'
  | 'BUILD_TEST_FAILED'
  | 'BUILD_NOT_CANCELLABLE'
  | 'BUILD_CANCELLED'
  | 'BUILD_WORKER_LOST'
  | 'TEMPLATE_INVALID'
  | 'TEMPLATE_NOT_FOUND'
  | 'TEMPLATE_PARAMETER_MISSING'
  | 'TEMPLATE_PARAMETER_UNKNOWN'
  | 'TEMPLATE_EXPRESSION_INVALID'
  | 'VOLUME_EXISTS'
  | 'VOLUME_NOT_FOUND';

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
