import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { waitFor } from './wait.js';

export interface SshGitServer {
  /** `ssh://<user>@127.0.0.1:<port>` + an absolute repo path makes a repo URL. */
  base: string;
  /** Where its bare repos go. */
  root: string;
  /** Its host key as a known_hosts line for `[127.0.0.1]:<port>`. */
  knownHosts: string;
  /** Lets a public key in: git-shell only, no forwarding, no pty. */
  authorize(publicKey: string): Promise<void>;
  close(): Promise<void>;
}

const SSHD = '/usr/sbin/sshd';

/**
 * Debian's sshd (openssh-server, installed by test/env/start.sh, its service never started) run
 * by the test on 127.0.0.1 with a config, host key and AuthorizedKeysFile of its own, as the
 * current user. Every authorised key is held to `git-shell` (a forced command): the key can
 * fetch and nothing else, as a git host's deploy key.
 */
export async function startSshGitServer(): Promise<SshGitServer> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'slipway-sshd-'));
  const root = path.join(dir, 'repos');
  await mkdir(root);
  const hostKey = path.join(dir, 'host_key');
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'slipway-test-host', '-f', hostKey]);
  const authorizedKeys = path.join(dir, 'authorized_keys');
  await writeFile(authorizedKeys, '', { mode: 0o600 });
  const port = await freePort();
  const user = os.userInfo().username;
  const config = path.join(dir, 'sshd_config');
  await writeFile(
    config,
    [
      `Port ${port}`,
      'ListenAddress 127.0.0.1',
      `HostKey ${hostKey}`,
      `AuthorizedKeysFile ${authorizedKeys}`,
      `PidFile ${path.join(dir, 'sshd.pid')}`,
      `AllowUsers ${user}`,
      'PermitRootLogin prohibit-password',
      'PubkeyAuthentication yes',
      'PasswordAuthentication no',
      'KbdInteractiveAuthentication no',
      'UsePAM no',
      // The temp dir's parents are not the user's to own (sshd's StrictModes would refuse the keys file).
      'StrictModes no',
      'AllowTcpForwarding no',
      'X11Forwarding no',
      'PermitTTY no',
      'LogLevel VERBOSE',
      '',
    ].join('\n'),
  );
  // sshd wants its privilege separation dir; a systemd unit would make it (RuntimeDirectory).
  await mkdir('/run/sshd', { recursive: true, mode: 0o755 });
  const child: ChildProcess = spawn(SSHD, ['-D', '-e', '-f', config], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  await waitFor({
    timeoutMs: 15_000,
    intervalMs: 100,
    check: async () => (child.exitCode === null && (await canConnect(port)) ? true : undefined),
    message: () => `sshd did not listen on 127.0.0.1:${port}: ${stderr}`,
  });
  const publicHostKey = (await readFile(`${hostKey}.pub`, 'utf8')).trim().split(' ').slice(0, 2).join(' ');
  return {
    base: `ssh://${user}@127.0.0.1:${port}`,
    root,
    knownHosts: `[127.0.0.1]:${port} ${publicHostKey}\n`,
    async authorize(publicKey) {
      const restrictions = 'command="git-shell -c \\"$SSH_ORIGINAL_COMMAND\\"",no-port-forwarding,no-agent-forwarding,no-X11-forwarding,no-pty';
      const current = await readFile(authorizedKeys, 'utf8');
      await writeFile(authorizedKeys, `${current}${restrictions} ${publicKey.trim()}\n`, { mode: 0o600 });
    },
    async close() {
      if (child.exitCode === null) {
        child.kill('SIGTERM');
        await new Promise((resolve) => child.once('exit', resolve));
      }
      await rm(dir, { recursive: true, force: true });
    },
  };
}

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port }, () => {
      socket.destroy();
      resolve(true);
    });
    socket.on('error', () => resolve(false));
  });
}
