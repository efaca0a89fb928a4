// kubectl for the benchmarks' baselines: the binary the test env builds (test/env/k8s, exported as
// SLIPWAY_K8S_BIN by ~/.cache/slipway/state/env.sh), run as a user would run it, with every
// invocation bounded and every running one killable on shutdown.
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

const children = new Set<ChildProcess>();

/** Runs kubectl (KUBECONFIG from the environment); `timeoutMs` kills one that outlives its own --timeout. */
export async function kubectl(args: string[], options: { timeoutMs: number; input?: string }): Promise<Exit> {
  const bin = process.env.SLIPWAY_K8S_BIN;
  if (!bin) throw new Error('SLIPWAY_K8S_BIN is not set: run with bash bench/run.sh (it sources ~/.cache/slipway/state/env.sh)');
  return new Promise((resolve, reject) => {
    const child = spawn(path.join(bin, 'kubectl'), args, { stdio: ['pipe', 'pipe', 'pipe'], timeout: options.timeoutMs, killSignal: 'SIGKILL' });
    children.add(child);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code, signal) => {
      children.delete(child);
      resolve({ code, signal, stdout: stdout.trim(), stderr: stderr.trim() });
    });
    child.stdin.end(options.input ?? '');
  });
}

export async function kubectlOk(args: string[], options: { timeoutMs: number; input?: string }): Promise<Exit> {
  const exit = await kubectl(args, options);
  if (exit.code !== 0) throw new Error(`kubectl ${args.join(' ')} exited ${exit.code ?? exit.signal}: ${exit.stderr || exit.stdout}`);
  return exit;
}

/** Kills every kubectl still running, so an interrupted run leaves none waiting behind it. */
export function killKubectls(): void {
  for (const child of children) child.kill('SIGKILL');
}

/**
 * The pull secret a user creates for a private registry (`kubectl create secret docker-registry`),
 * with the same credentials Slipway's install uses.
 */
export async function createPullSecret(params: { namespace: string; name: string; registry: { host: string; username?: string; password?: string } }): Promise<void> {
  const { username, password, host } = params.registry;
  if (!username || !password) throw new Error('the registry has no credentials (SLIPWAY_REGISTRY_USER/_PASSWORD): the baseline needs them for its pull secret');
  // kubectl takes the password as an argument (as a user types it); on this machine the process
  // list is ours and the value is the test registry's generated one.
  await kubectlOk(
    ['create', 'secret', 'docker-registry', params.name, '-n', params.namespace, `--docker-server=${host.split('/')[0]}`, `--docker-username=${username}`, `--docker-password=${password}`],
    { timeoutMs: 30_000 },
  );
}
