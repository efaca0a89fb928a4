import { Option, type Command } from 'commander';
import type { ApiClient } from './client.js';
import {
  configVarsCommand,
  hookSetCommand,
  probeSetCommand,
  restartCommand,
  scaleCommand,
  settingsCommand,
  strategySetCommand,
  volumeAddCommand,
  volumeListCommand,
  volumeRemoveCommand,
} from './commands/lifecycle.js';
import { abortCommand, promoteCommand } from './commands/rollout.js';

type Run = <A extends unknown[]>(action: (...args: A) => Promise<void>) => (...args: A) => Promise<void>;

/** env, secret, scale, restart, volume, probe, hook, strategy, promote, abort: the release lifecycle commands. */
export function addLifecycleCommands(params: { program: Command; run: Run; client: () => ApiClient; print: (line: string) => void }): void {
  const { program, run, client, print } = params;
  const repeat = (value: string, previous: string[]) => [...previous, value];

  for (const [name, kind, what] of [['env', 'env', 'config vars'], ['secret', 'secrets', 'secrets (values are never printed in full)']] as const) {
    const group = program.command(name).description(`an app's ${what}; every change is a new release`);
    for (const action of ['set', 'unset', 'list'] as const) {
      const sub = group
        .command(action)
        .argument('<app>')
        .argument(action === 'list' ? '[none...]' : '<pairs...>', action === 'set' ? 'KEY=VALUE...' : 'KEY...')
        .description(`${action} ${what}`);
      if (action !== 'list') sub.option('--no-wait', 'do not wait for the release');
      sub.action(run(async (app: string, args: string[], options: { wait?: boolean }) =>
        configVarsCommand({ client: client(), kind, action, app, args: action === 'list' ? [] : args, wait: options.wait !== false, print }),
      ));
    }
  }

  program
    .command('scale')
    .argument('<app>')
    .argument('<replicas>')
    .description('set the number of pods now; kept across releases and rollbacks')
    .action(run(async (app: string, replicas: string) => scaleCommand({ client: client(), app, replicas, print })));

  program
    .command('restart')
    .argument('<app>')
    .option('--no-wait', 'do not wait for the new pods to be ready')
    .description('replace every pod of the current release (gated and rolled back like any rollout)')
    .action(run(async (app: string, options: { wait: boolean }) => restartCommand({ client: client(), app, wait: options.wait, print })));

  const volume = program.command('volume').description("an app's persistent volumes (claims are kept when the app is deleted)");
  volume
    .command('add')
    .argument('<app>')
    .requiredOption('--size <size>', 'e.g. 1Gi')
    .requiredOption('--mount <path>', 'where the container sees it')
    .option('--name <name>', 'volume name; the claim is <app>-<name>', 'data')
    .addOption(new Option('--access-mode <mode>', 'access mode').choices(['ReadWriteOnce', 'ReadWriteOncePod', 'ReadWriteMany', 'ReadOnlyMany']).default('ReadWriteOnce'))
    .option('--storage-class <class>', 'StorageClass (default: the cluster default)')
    .option('--no-wait', 'do not wait for the release')
    .action(run(async (app: string, options) => volumeAddCommand({ client: client(), app, options, print })));
  volume.command('list').argument('<app>').action(run(async (app: string) => volumeListCommand({ client: client(), app, print })));
  volume
    .command('remove')
    .argument('<app>')
    .argument('<name>')
    .option('--delete-claim', 'also delete the PersistentVolumeClaim and its data')
    .option('--no-wait', 'do not wait for the release')
    .action(run(async (app: string, name: string, options: { deleteClaim?: boolean; wait: boolean }) =>
      volumeRemoveCommand({ client: client(), app, name, deleteClaim: Boolean(options.deleteClaim), wait: options.wait, print }),
    ));

  const probe = program.command('probe').description('readiness and liveness probes');
  probe
    .command('set')
    .argument('<app>')
    .option('--readiness <spec>', 'http:/PATH, http:PORT:/PATH, tcp[:PORT], exec:COMMAND or off')
    .option('--liveness <spec>', 'same forms; off by default')
    .option('--initial-delay <seconds>', 'initialDelaySeconds of the probes given')
    .option('--period <seconds>', 'periodSeconds of the probes given')
    .option('--no-wait', 'do not wait for the release')
    .action(run(async (app: string, options) => probeSetCommand({ client: client(), app, options, print })));

  const hook = program.command('hook').description('deployment hooks: Jobs from the release image, pre (before the rollout) and post (once ready)');
  hook
    .command('set')
    .argument('<app>')
    .argument('<phase>', 'pre or post')
    .requiredOption('--command <command>', 'run with sh -c, e.g. "python manage.py migrate"')
    .option('--timeout <seconds>', 'the Job is stopped and the hook failed after this long', '300')
    .addOption(new Option('--on-failure <what>', 'post hook: report the failure, or roll the release back').choices(['report', 'rollback']))
    .option('--pod-annotation <K=V>', "annotation on the hook's pod (repeatable)", repeat, [])
    .action(run(async (app: string, phase: string, options) => hookSetCommand({ client: client(), app, phase, options, print })));
  hook
    .command('unset')
    .argument('<app>')
    .argument('<phase>', 'pre or post')
    .action(run(async (app: string, phase: string) => hookSetCommand({ client: client(), app, phase, options: { timeout: '300', podAnnotation: [], unset: true }, print })));

  program
    .command('strategy')
    .argument('<app>')
    .argument('<type>', 'rolling, recreate, canary, blue-green or auto')
    .option('--max-surge <n|%>', 'rolling: extra pods during the rollout')
    .option('--max-unavailable <n|%>', 'rolling: pods that may be down during the rollout')
    .option('--steps <percents>', 'canary: traffic share of each step, e.g. 10,50,100 (100 is added when missing)')
    .option('--pause <duration|manual>', 'canary: how long each step holds (30, 30s, 2m), or manual: wait for slipway promote')
    .option('--gateway <[namespace/]name>', 'canary: the Gateway API Gateway whose router splits traffic by exact weights (an HTTPRoute in place of the Ingress)')
    .option('--manual', 'blue-green: wait for slipway promote before the switch')
    .option('--scale-down-delay <duration>', 'blue-green: how long the previous release stays scaled after the switch (30s, 2m)')
    .option('--preview-host <host>', "blue-green: the preview Ingress host (default <first label>-preview.<rest> of the app's host)")
    .description('how a release replaces the one before (docs/strategies.md); applies from the next release')
    .action(run(async (app: string, type: string, options) => strategySetCommand({ client: client(), app, type, options, print })));

  program
    .command('promote')
    .argument('<app>')
    .option('--full', 'canary: go straight to 100%, skipping the steps between')
    .option('--no-wait', 'do not wait for the rollout to take the command')
    .description('move a blue-green or canary rollout on: the next canary step, the blue-green switch, or the end of the scale-down window')
    .action(run(async (app: string, options: { full?: boolean; wait: boolean }) => promoteCommand({ client: client(), app, full: Boolean(options.full), wait: options.wait, print })));

  program
    .command('abort')
    .argument('<app>')
    .option('--no-wait', 'do not wait for the traffic to be back on the release before')
    .description('stop a blue-green or canary rollout: all traffic back on the release that served before')
    .action(run(async (app: string, options: { wait: boolean }) => abortCommand({ client: client(), app, wait: options.wait, print })));

  program
    .command('settings')
    .argument('<app>')
    .description('replicas, hooks, strategy, probes and volumes of an app')
    .action(run(async (app: string) => settingsCommand({ client: client(), app, print })));
}
