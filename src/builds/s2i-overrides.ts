import { SlipwayError } from '../errors.js';
import type { PlanInput } from './plan.js';

/**
 * What an app's `.s2i/` folder changes about a builder, as in OpenShift S2I:
 * - `.s2i/environment`: build-time variables, in no layer of the runtime image (s2i#998
 *   is users finding them there);
 * - `.s2i/runtime-environment`: variables set at build time and in the runtime image;
 * - `.s2i/bin/assemble`: replaces the builder's build steps (dependencies are still
 *   installed first, so the cache keeps working);
 * - `.s2i/bin/run`: replaces the builder's start command.
 */
export interface S2iOverrides {
  buildEnv: Record<string, string>;
  runtimeEnv: Record<string, string>;
  assemble: boolean;
  run: boolean;
}

export const S2I_FILES = {
  environment: '.s2i/environment',
  runtimeEnvironment: '.s2i/runtime-environment',
  assemble: '.s2i/bin/assemble',
  run: '.s2i/bin/run',
} as const;

export async function readS2iOverrides(input: Pick<PlanInput, 'read'>): Promise<S2iOverrides> {
  const [environment, runtimeEnvironment, assemble, run] = await Promise.all([
    input.read(S2I_FILES.environment),
    input.read(S2I_FILES.runtimeEnvironment),
    input.read(S2I_FILES.assemble),
    input.read(S2I_FILES.run),
  ]);
  return {
    buildEnv: parseEnvironmentFile(S2I_FILES.environment, environment ?? ''),
    runtimeEnv: parseEnvironmentFile(S2I_FILES.runtimeEnvironment, runtimeEnvironment ?? ''),
    assemble: assemble !== undefined,
    run: run !== undefined,
  };
}

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** `KEY=VALUE` lines as s2i reads them; `#` comments and blank lines are skipped. */
export function parseEnvironmentFile(file: string, text: string): Record<string, string> {
  const env: Record<string, string> = {};
  text.split('\n').forEach((raw, index) => {
    const line = raw.trim();
    if (!line || line.startsWith('#')) return;
    const eq = line.indexOf('=');
    const name = eq > 0 ? line.slice(0, eq).trim() : '';
    if (!NAME.test(name)) {
      throw new SlipwayError('BUILD_S2I_INVALID', `${file} line ${index + 1}: expected NAME=value, got "${line}"`, { file, line: index + 1 });
    }
    env[name] = unquote(line.slice(eq + 1).trim());
  });
  return env;
}

function unquote(value: string): string {
  const quoted = /^(["'])(.*)\1$/.exec(value);
  return quoted ? quoted[2]! : value;
}
