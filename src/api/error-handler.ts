import type { FastifyError, FastifyInstance } from 'fastify';
import { SlipwayError, type ErrorCode } from '../errors.js';

/**
 * The one place error codes become HTTP statuses. Every code has one: the compiler refuses a
 * code in src/errors.ts that is missing here.
 */
const STATUS: Record<ErrorCode, number> = {
  AUTH_REQUIRED: 401,
  AUTH_INVALID: 401,
  WEBHOOK_SIGNATURE_MISSING: 401,
  WEBHOOK_SIGNATURE_INVALID: 401,
  WEBHOOK_PAYLOAD_INVALID: 400,
  VALIDATION_FAILED: 400,
  REPO_URL_INVALID: 400,
  APP_NOT_FOUND: 404,
  BUILD_NOT_FOUND: 404,
  BUILD_SECRET_NOT_FOUND: 404,
  RELEASE_NOT_FOUND: 404,
  RELEASE_NOT_DEPLOYABLE: 409,
  ROLLOUT_NOT_IN_PROGRESS: 409,
  CLUSTER_UNREACHABLE: 502,
  // The cluster refused or failed an apply (a template's object, the app's namespace): its answer is in the message.
  DEPLOY_APPLY_FAILED: 502,
  // The app's namespace is one Slipway may not deploy to (SLIPWAY_MANAGE_NAMESPACES=false).
  NAMESPACE_NOT_MANAGED: 422,
  APP_EXISTS: 409,
  BUILD_NOT_CANCELLABLE: 409,
  TEMPLATE_INVALID: 400,
  TEMPLATE_PARAMETER_MISSING: 400,
  TEMPLATE_PARAMETER_UNKNOWN: 400,
  TEMPLATE_EXPRESSION_INVALID: 400,
  TEMPLATE_NOT_FOUND: 404,
  REPO_REF_NOT_FOUND: 422,
  REPO_UNREACHABLE: 502,
  VOLUME_EXISTS: 409,
  VOLUME_NOT_FOUND: 404,
  // Build outcomes, recorded on the build by the worker; should one reach a request, it says why
  // the commit cannot be built (422), that the registry failed (502) or that the build was cancelled (409).
  BUILD_CLONE_FAILED: 422,
  BUILD_STRATEGY_UNKNOWN: 422,
  BUILD_S2I_INVALID: 422,
  // issue 14, untrusted checkout: the commit holds a file Slipway refuses to read.
  BUILD_REPO_INVALID: 422,
  BUILD_IMAGE_FAILED: 422,
  BUILD_TEST_FAILED: 422,
  BUILD_TOOL_UNAVAILABLE: 422,
  BUILD_DEPENDENCY_UNAVAILABLE: 422,
  BUILD_OUTPUT_NOT_RUNNABLE: 422,
  BUILD_VERSION_UNAVAILABLE: 422,
  BUILD_PUSH_FAILED: 502,
  BUILD_CANCELLED: 409,
  // Slipway's own failures: its configuration, or a worker that died mid-build.
  CONFIG_INVALID: 500,
  BUILD_WORKER_LOST: 500,
  // issue 14: a well-formed repo URL whose host is internal (SSRF guard) cannot be used (422);
  // a build the queue kept losing, and a stored secret no configured key opens, are Slipway's own failures.
  REPO_URL_FORBIDDEN: 422,
  BUILD_JOB_LOST: 500,
  SECRET_UNREADABLE: 500,
  // issue 14, API hardening: refusals at the HTTP level, in the same {error: {code, message}} shape.
  BODY_INVALID: 400,
  BODY_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  REQUEST_INVALID: 400,
  REQUEST_TIMEOUT: 408,
  ROUTE_NOT_FOUND: 404,
  RATE_LIMITED: 429,
  // issue 14, namespaces and templates: what Slipway will not deploy, whatever the cluster would allow.
  NAMESPACE_FORBIDDEN: 422,
  TEMPLATE_FORBIDDEN: 422,
  // issue 19: a config whose pods could never all mount their ReadWriteOnce volume (Multi-Attach).
  VOLUME_SINGLE_NODE: 422,
  // issue 19, private repos: the repo refuses the credential Slipway holds for it (or none), or its
  // SSH host key is not the pinned one: the app's credential must change, not the request.
  REPO_AUTH_FAILED: 422,
  REPO_HOST_KEY_MISMATCH: 422,
  REPO_CREDENTIAL_NOT_FOUND: 404,
  // issue 19, Ingress routes.
  APP_ROUTE_EXISTS: 409,
  HOST_ALREADY_CLAIMED: 409,
  APP_ROUTE_NOT_FOUND: 404,
  CERT_MANAGER_MISSING: 422,
  // issue 19, config and secret files.
  FILE_PATH_INVALID: 422,
  FILE_PATH_CONFLICT: 409,
  FILES_TOO_LARGE: 413,
  FILE_NOT_FOUND: 404,
  // issue 19, autoscaling.
  AUTOSCALE_OWNS_REPLICAS: 409,
};

/**
 * Fastify's own errors (bad JSON, body too large, wrong content type) get stable codes too; no
 * FST_* code ever reaches a client. Any other client error is REQUEST_INVALID with its status.
 */
const FASTIFY_CODES: Record<string, ErrorCode> = {
  FST_ERR_CTP_BODY_TOO_LARGE: 'BODY_TOO_LARGE',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'UNSUPPORTED_MEDIA_TYPE',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'BODY_INVALID',
  FST_ERR_CTP_INVALID_JSON_BODY: 'BODY_INVALID',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'BODY_INVALID',
  FST_ERR_BAD_URL: 'REQUEST_INVALID',
  FST_ERR_NOT_FOUND: 'ROUTE_NOT_FOUND',
};

/** The status of a code: for the socket-level answers (408, 431) written outside a reply. */
export function statusOf(code: ErrorCode): number {
  return STATUS[code];
}

export function installErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError | SlipwayError, request, reply) => {
    if (error instanceof SlipwayError) {
      const status = STATUS[error.code];
      if (status >= 500) request.log.error({ err: error }, 'request failed');
      return reply.code(status).send({ error: { code: error.code, message: error.message, details: error.details } });
    }
    if (error.validation) {
      return reply.code(400).send({ error: { code: 'VALIDATION_FAILED', message: error.message, details: { context: error.validationContext } } });
    }
    const status = error.statusCode ?? 500;
    if (status >= 500) {
      request.log.error({ err: error }, 'request failed');
      return reply.code(500).send({ error: { code: 'INTERNAL', message: 'internal error' } });
    }
    const code = FASTIFY_CODES[error.code] ?? (error instanceof SyntaxError ? 'BODY_INVALID' : 'REQUEST_INVALID');
    return reply.code(status).send({ error: { code, message: error.message } });
  });
  app.setNotFoundHandler((request, reply) => {
    // The path only (a query may hold anything), cut short: the answer stays small whatever was asked.
    const path = request.url.split('?')[0]!.slice(0, 200);
    reply.code(404).send({ error: { code: 'ROUTE_NOT_FOUND', message: `${request.method} ${path} is not a route` } });
  });
}
