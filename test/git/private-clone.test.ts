import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { SlipwayError } from '../../src/errors.js';
import { branchContains } from '../../src/git/branch-contains.js';
import { cloneCommit, resolveBranch } from '../../src/git/clone.js';
import { generateDeployKey } from '../../src/git/deploy-key.js';
import type { RepoAccess, RepoCredential } from '../../src/store/repo-credential-store.js';
import { privateRepo, startHttpGitServer, type HttpGitServer, type PrivateRepo } from '../helpers/private-git.js';
import { startSshGitServer, type SshGitServer } from '../helpers/ssh-git-server.js';

// issue 19, private repos, at the git layer on real servers of this machine: an HTTP server
// (git http-backend behind Basic auth) and an sshd (git-shell forced command) that serve their
// repos only to the credential. Clone, ls-remote and the branch check use it; it ends up in no
// file of the checkout, no temp file left behind, no credential helper's store.
const policy = { allowedSchemes: ['https' as const, 'http' as const, 'ssh' as const], allowPrivateHosts: true };
const TOKEN = `tok-${Math.random().toString(36).slice(2)}${Math.random().toString(36).slice(2)}`;
let http: HttpGitServer;
let ssh: SshGitServer;
let httpRepo: PrivateRepo;
let sshRepo: PrivateRepo;
let work: string;
let home: string;
const savedHome = process.env.HOME;
const key = generateDeployKey('slipway-clone-test');

const access = (credential: RepoCredential, learned: string[] = []): RepoAccess => ({
  credential,
  onHostKeysLearned: async (knownHosts) => void learned.push(knownHosts),
});
const token = (value = TOKEN): RepoAccess => access({ kind: 'token', username: 'bot', token: value });

beforeAll(async () => {
  http = await startHttpGitServer({ user: 'bot', token: TOKEN });
  httpRepo = await privateRepo({ root: http.root, fixture: 'static-html' });
  ssh = await startSshGitServer();
  sshRepo = await privateRepo({ root: ssh.root, fixture: 'static-html' });
  await ssh.authorize(key.publicKey);
  work = await mkdtemp(path.join(os.tmpdir(), 'slipway-private-clone-'));
  // A HOME whose git config stores every credential it is told of: Slipway's must not reach it.
  home = path.join(work, 'home');
  await mkdir(home);
  await writeFile(path.join(home, '.gitconfig'), '[credential]\n\thelper = store\n');
  process.env.HOME = home;
}, 60_000);
afterAll(async () => {
  process.env.HOME = savedHome;
  await http?.close();
  await ssh?.close();
  await rm(work, { recursive: true, force: true });
});

const httpUrl = () => `${http.url}/${httpRepo.file}`;
const sshUrl = () => `${ssh.base}${sshRepo.bare}`;

async function codeOf(promise: Promise<unknown>): Promise<string> {
  const error = await promise.then(() => undefined, (e: unknown) => e);
  if (!(error instanceof SlipwayError)) throw new Error(`expected a SlipwayError, got ${String(error)}`);
  return error.code;
}

/** Every file under `dir` as one text. */
async function allText(dir: string): Promise<string> {
  const parts: string[] = [];
  for (const entry of await readdir(dir, { recursive: true, withFileTypes: true })) {
    if (entry.isFile()) parts.push(await readFile(path.join(entry.parentPath, entry.name), 'latin1'));
  }
  return parts.join('\n');
}

const authDirs = async () => (await readdir(os.tmpdir())).filter((n) => n.startsWith('slipway-git-auth-'));

describe('HTTPS token', () => {
  test('without a credential, or with a wrong one, ls-remote fails REPO_AUTH_FAILED', async () => {
    expect(await codeOf(resolveBranch({ url: httpUrl(), branch: 'main', policy }))).toBe('REPO_AUTH_FAILED');
    expect(await codeOf(resolveBranch({ url: httpUrl(), branch: 'main', policy, access: token('wrong-token') }))).toBe('REPO_AUTH_FAILED');
    expect(http.requests.some((r) => r.authorised)).toBe(false);
  });

  test('with the token: ls-remote, the branch check and the clone succeed; nothing of it is left on disk', async () => {
    const before = await authDirs();
    expect(await resolveBranch({ url: httpUrl(), branch: 'main', policy, access: token() })).toBe(httpRepo.sha);
    expect(await branchContains({ url: httpUrl(), branch: 'main', sha: httpRepo.sha, policy, access: token(), workDir: work })).toEqual({ onBranch: true, head: true });
    const dir = path.join(work, 'http-checkout');
    await cloneCommit({ url: httpUrl(), sha: httpRepo.sha, dir, policy, access: token() });
    expect(await readFile(path.join(dir, 'index.html'), 'utf8')).toContain('<');
    expect(http.requests.filter((r) => r.authorised).length).toBeGreaterThan(0);
    const gitConfig = await readFile(path.join(dir, '.git/config'), 'utf8');
    expect(gitConfig).toContain(`url = ${httpUrl()}`);
    for (const form of [TOKEN, Buffer.from(`bot:${TOKEN}`).toString('base64')]) {
      expect(await allText(dir)).not.toContain(form);
      expect(await allText(home)).not.toContain(form);
    }
    expect(await readdir(home)).toEqual(['.gitconfig']);
    expect((await authDirs()).filter((d) => !before.includes(d))).toEqual([]);
  });

  test('a clone without the token fails REPO_AUTH_FAILED, with what to do', async () => {
    const error = await cloneCommit({ url: httpUrl(), sha: httpRepo.sha, dir: path.join(work, 'refused'), policy }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'REPO_AUTH_FAILED', details: { step: 'cloning' }, message: expect.stringContaining('slipway repo-credential set') });
  });
});

describe('SSH deploy key', () => {
  test('with the key and pinned known_hosts: clone and ls-remote succeed; the key file is gone after', async () => {
    const before = await authDirs();
    const credential: RepoCredential = { kind: 'ssh-key', privateKey: key.privateKey, knownHosts: ssh.knownHosts };
    expect(await resolveBranch({ url: sshUrl(), branch: 'main', policy, access: access(credential) })).toBe(sshRepo.sha);
    const dir = path.join(work, 'ssh-checkout');
    await cloneCommit({ url: sshUrl(), sha: sshRepo.sha, dir, policy, access: access(credential) });
    expect(await readFile(path.join(dir, '.git/config'), 'utf8')).toContain(`url = ${sshUrl()}`);
    const body = key.privateKey.split('\n')[1]!;
    expect(await allText(dir)).not.toContain(body);
    expect((await authDirs()).filter((d) => !before.includes(d))).toEqual([]);
  });

  test('with no host key pinned, the first one seen is learned and handed back to be pinned', async () => {
    const learned: string[] = [];
    await resolveBranch({ url: sshUrl(), branch: 'main', policy, access: access({ kind: 'ssh-key', privateKey: key.privateKey }, learned) });
    expect(learned).toHaveLength(1);
    // ssh writes `[host]:port keytype key`: the server's own host key.
    expect(learned[0]!.trim()).toBe(ssh.knownHosts.trim());
  });

  test('a host key other than the pinned one fails REPO_HOST_KEY_MISMATCH', async () => {
    const other = generateDeployKey('not-the-host').publicKey.split(' ').slice(0, 2).join(' ');
    const [host] = ssh.knownHosts.split(' ');
    const credential: RepoCredential = { kind: 'ssh-key', privateKey: key.privateKey, knownHosts: `${host} ${other}\n` };
    expect(await codeOf(resolveBranch({ url: sshUrl(), branch: 'main', policy, access: access(credential) }))).toBe('REPO_HOST_KEY_MISMATCH');
    const error = await cloneCommit({ url: sshUrl(), sha: sshRepo.sha, dir: path.join(work, 'mitm'), policy, access: access(credential) }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'REPO_HOST_KEY_MISMATCH' });
  });

  test('a key the server does not know fails REPO_AUTH_FAILED', async () => {
    const stranger: RepoCredential = { kind: 'ssh-key', privateKey: generateDeployKey('stranger').privateKey, knownHosts: ssh.knownHosts };
    expect(await codeOf(resolveBranch({ url: sshUrl(), branch: 'main', policy, access: access(stranger) }))).toBe('REPO_AUTH_FAILED');
    const error = await cloneCommit({ url: sshUrl(), sha: sshRepo.sha, dir: path.join(work, 'stranger'), policy, access: access(stranger) }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'REPO_AUTH_FAILED', details: { step: 'cloning' } });
  });
});
