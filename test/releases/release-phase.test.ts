import { choosePreHook, releaseHooks } from '../../src/releases/hooks/release-phase.js';
import type { HookSpec } from '../../src/store/types.js';

// Which pre hook a release runs: the app's deploy.hooks.pre, else the image's Procfile `release:`.
const own: HookSpec = { command: ['sh', '-c', 'rake db:migrate'], timeoutSeconds: 600 };

test.each([
  ['neither: no pre hook', undefined, undefined, {}],
  ['only the Procfile: it runs through the shell, 300 s', undefined, 'python manage.py migrate', {
    hook: { command: ['/bin/sh', '-c', 'python manage.py migrate'], timeoutSeconds: 300 },
    choice: { source: 'procfile', command: ['/bin/sh', '-c', 'python manage.py migrate'], reason: `the image's Procfile release: "python manage.py migrate" (the app has no deploy.hooks.pre)` },
  }],
  ["only the app's: it runs", own, undefined, { hook: own, choice: { source: 'deploy-config', command: own.command, reason: "the app's deploy.hooks.pre" } }],
  ["both: the app's wins and the release says the Procfile's does not run", own, './manage.py migrate', {
    hook: own,
    choice: { source: 'deploy-config', command: own.command, reason: `the app's deploy.hooks.pre; the image's Procfile release: "./manage.py migrate" does not run` },
  }],
])('%s', (_name, configured, releaseCommand, expected) => {
  expect(choosePreHook({ ...(configured ? { configured } : {}), ...(releaseCommand ? { releaseCommand } : {}) })).toEqual(expected);
});

test("releaseHooks keeps the config's post hook and fills pre from the Procfile", () => {
  const post = { command: ['sh', '-c', 'warm'], timeoutSeconds: 60, onFailure: 'report' as const };
  const config = { hooks: { post } } as Parameters<typeof releaseHooks>[0]['config'];
  expect(releaseHooks({ config, releaseCommand: 'bin/release' })).toEqual({ pre: { command: ['/bin/sh', '-c', 'bin/release'], timeoutSeconds: 300 }, post });
  expect(releaseHooks({ config })).toEqual({ post });
});
