import type { HookSpec, PreHookChoice, Release } from '../../store/types.js';

/**
 * How long a Procfile `release:` command may run: the same default as a hook set without a
 * timeout (`slipway hook set`); an app that needs longer sets its own pre hook.
 */
export const RELEASE_PHASE_TIMEOUT_SECONDS = 300;

/**
 * Which pre hook a release runs, and why: the app's own `deploy.hooks.pre` always wins; else the
 * Procfile `release:` command of the build behind the release's image (Heroku's release phase),
 * run through the shell as Heroku runs it; else none.
 */
export function choosePreHook(params: { configured?: HookSpec; releaseCommand?: string }): { hook?: HookSpec; choice?: PreHookChoice } {
  const { configured, releaseCommand } = params;
  if (configured) {
    const reason = releaseCommand
      ? `the app's deploy.hooks.pre; the image's Procfile release: "${releaseCommand}" does not run`
      : "the app's deploy.hooks.pre";
    return { hook: configured, choice: { source: 'deploy-config', command: configured.command, reason } };
  }
  if (!releaseCommand) return {};
  const hook: HookSpec = { command: ['/bin/sh', '-c', releaseCommand], timeoutSeconds: RELEASE_PHASE_TIMEOUT_SECONDS };
  return { hook, choice: { source: 'procfile', command: hook.command, reason: `the image's Procfile release: "${releaseCommand}" (the app has no deploy.hooks.pre)` } };
}

/** The hooks a release runs: its config's, with the Procfile release phase as the pre hook when the config has none. */
export function releaseHooks(release: Pick<Release, 'config' | 'releaseCommand'>): { pre?: HookSpec; post?: NonNullable<Release['config']['hooks']>['post'] } {
  const { post } = release.config.hooks ?? {};
  const { hook: pre } = choosePreHook({ configured: release.config.hooks?.pre, ...(release.releaseCommand ? { releaseCommand: release.releaseCommand } : {}) });
  return { ...(pre ? { pre } : {}), ...(post ? { post } : {}) };
}
