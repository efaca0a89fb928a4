import type { ErrorCode } from '../errors.js';

/**
 * How a generated build step names a failure a user can act on (a build tool it cannot download,
 * a dependency registry it cannot reach, no single runnable output): one line on stderr,
 * `slipway-failure CODE: message`. The build worker records the last such line as the build's
 * failure code and reason instead of docker's "returned a non-zero code". Only these codes: a
 * repo's own scripts may print the prefix too, and must not pass for another failure.
 */
export const BUILDER_FAILURE_CODES = ['BUILD_TOOL_UNAVAILABLE', 'BUILD_DEPENDENCY_UNAVAILABLE', 'BUILD_OUTPUT_NOT_RUNNABLE'] as const satisfies readonly ErrorCode[];
export type BuilderFailureCode = (typeof BUILDER_FAILURE_CODES)[number];

const PREFIX = 'slipway-failure';
const LINE = new RegExp(`^${PREFIX} ([A-Z_]+): (.+)$`);

/**
 * A shell command printing the failure line. `message` goes inside double quotes, so it may
 * expand the step's shell variables (`$jars`); it must not hold `"` or a backquote.
 */
export function failureEcho(code: BuilderFailureCode, message: string): string {
  return `echo "${PREFIX} ${code}: ${message}" >&2`;
}

/**
 * A RUN step for an install whose failure to reach its package registry is named in one line:
 * the output is held in `log` and shown after; on failure, when the log matches `unreachable`
 * (an extended regex, case-insensitive), the failure line says `message` as
 * BUILD_DEPENDENCY_UNAVAILABLE; any other failure is the tool's own output.
 */
export function namedInstall(params: { command: string; log: string; unreachable: string; message: string }): string {
  const { command, log, unreachable, message } = params;
  return `RUN ${command} >${log} 2>&1 && cat ${log} || { cat ${log} >&2; grep -qiE '${unreachable}' ${log} && ${failureEcho('BUILD_DEPENDENCY_UNAVAILABLE', message)}; exit 1; }`;
}

/** Colour codes: the classic builder wraps a step's stderr in `ESC[91m` ... `ESC[0m`. */
const ANSI = /\u001b\[[0-9;]*m/g;

/** The failure a line of build output names, if it is one. */
export function builderFailure(line: string): { code: BuilderFailureCode; message: string } | undefined {
  const match = LINE.exec(line.replace(ANSI, '').trim());
  const code = match?.[1] as BuilderFailureCode | undefined;
  return code && BUILDER_FAILURE_CODES.includes(code) ? { code, message: match![2]!.trim() } : undefined;
}
