import { Option, type Command } from 'commander';
import type { ApiClient } from './client.js';
import {
  configVarsCommand,
  hookSetCommand,
  probeSetCommand,
  restartCommand,
  shutdownSetCommand,
  scaleCommand,
  settingsCommand,
  strategySetCommand,
  volumeAddCommand,
  volumeListCommand,
  volumeRemoveCommand,
} from './commands/lifecycle.js';
import { abortCommand, promoteCommand } from './commands/rollout.js';
import { autoscaleCommand, type AutoscaleOptions } from './commands/autoscale.js';
import { routeAddCommand, routeClassCommand, routeListCommand, routeRemoveCommand } from './commands/routes.js';

type Run = <A extends unknown[]>(action: (...args: A) => Promise<void>) => (...args: A) => Promise<void>;

/** env, secret, scale, restart, volume, route, probe, hook, strategy, promote, abort: the release lifecycle commands. */
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
      // Secret values are saved as a new version before any release: a dry run would store one.
      if (action !== 'list' && kind === 'env') {
        sub.option('--dry-run', 'print what the release would apply and the diff against the live objects; change nothing');
        sub.option('-o, --output <format>', 'with --dry-run: also print the manifests, yaml or json');
      }
      sub.action(run(async (app: string, args: string[], options: { wait?: boolean; dryRun?: boolean; output?: string }) =>
        configVarsCommand({ client: client(), kind, action, app, args: action === 'list' ? [] : args, wait: options.wait !== false, print, dryRun: options }),
      ));
    }
  }

  program
    .command('scale')
    .argument('<app>')
    .argument('<replicas>')
    .description('set the number of pods now; kept across releases and rollbacks (refused while the app autoscales)')
    .action(run(async (app: string, replicas: string) => scaleCommand({ client: client(), app, replicas, print })));

  program
    .command('autoscale')
    .argument('<app>')
    .option('--min <n>', 'fewest replicas')
    .option('--max <n>', 'most replicas')
    .option('--cpu <percent>', 'target average CPU use, in percent of the request')
    .option('--memory <percent>', 'target average memory use, in percent of the request')
    .option('--scale-down-delay <duration>', 'how long use must stay low before pods are removed (30s, 5m; default 5m)')
    .option('--off', 'remove the autoscaler; the app keeps its `scale` count')
    .option('--no-wait', 'do not wait for the release')
    .description('a HorizontalPodAutoscaler that owns the replica count (scale is refused while set); no flags: show it')
    .action(run(async (app: string, options: AutoscaleOptions) => autoscaleCommand({ client: client(), app, options, print })));

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

  const route = program.command('route').description("an app's Ingress hosts and paths, their TLS and the Ingress class; every change is a new release");
  route
    .command('add')
    .argument('<app>')
    .argument('<host[/path]>', 'e.g. shop.example.com or shop.example.com/api (a prefix: /api, /api/...)')
    .option('--exact', 'match the path only, not what is under it')
    .option('--tls-secret <secret>', "serve the host's TLS from this kubernetes.io/tls Secret in the app's namespace")
    .option('--issuer <issuer>', 'cert-manager Issuer (in the app namespace) that makes the certificate')
    .option('--cluster-issuer <issuer>', 'cert-manager ClusterIssuer that makes the certificate')
    .option('--no-wait', 'do not wait for the release')
    .action(run(async (app: string, spec: string, options) => routeAddCommand({ client: client(), app, route: spec, options, print })));
  route
    .command('rm')
    .alias('remove')
    .argument('<app>')
    .argument('<host[/path]>')
    .option('--no-wait', 'do not wait for the release')
    .action(run(async (app: string, spec: string, options: { wait: boolean }) => routeRemoveCommand({ client: client(), app, route: spec, wait: options.wait, print })));
  route.command('list').argument('<app>').action(run(async (app: string) => routeListCommand({ client: client(), app, print })));
  route
    .command('class')
    .argument('<app>')
    .argument('[class]', "the app's IngressClass; none: the install's (SLIPWAY_INGRESS_CLASS), else the cluster's default")
    .option('--no-wait', 'do not wait for the release')
    .action(run(async (app: string, className: string | undefined, options: { wait: boolean }) => routeClassCommand({ client: client(), app, ...(className ? { className } : {}), wait: options.wait, print })));

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

  program
    .command('shutdown')
    .argument('<app>')
    .option('--grace <seconds>', "terminationGracePeriodSeconds: the pod's time to stop after SIGTERM and the pause (default 30)")
    .option('--pre-stop <seconds>', 'a pause before SIGTERM while endpoints drop the pod; 0 turns it off (default 5)')
    .option('--default', 'back to the defaults (5 s pause, 30 s grace)')
    .option('--no-wait', 'do not wait for the release')
    .description('how the pods stop: a preStop pause, then SIGTERM and a grace period; rolls out now')
    .action(run(async (app: string, options) => shutdownSetCommand({ client: client(), app, options, print })));

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
    .option('--metric-query <promql>', 'canary, blue-green: a Prometheus query asked at each step ({{namespace}}, {{app}}, {{release}}, {{stable}} replaced); with --metric-max')
    .option('--metric-max <number>', 'canary, blue-green: the highest value of --metric-query that passes')
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
