import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createMasker, repoCredentialSecrets } from '../../src/builds/log-masker.js';
import { SlipwayError } from '../../src/errors.js';
import { generateDeployKey } from '../../src/git/deploy-key.js';
import { credentialFailure } from '../../src/git/git-failure.js';
import { checkKnownHosts, checkPrivateKey, repoCredentialFromInput } from '../../src/git/repo-credential.js';

// issue 19, private repos: what a repo credential may be, and how git's failures are named.
const policy = { allowedSchemes: ['https', 'ssh', 'http'] as Array<'https' | 'ssh' | 'http'>, allowPrivateHosts: false };
const HTTPS = 'https://git.example.com/acme/shop.git';
const SSH = 'git@git.example.com:acme/shop.git';
const key = generateDeployKey('slipway-test');
const HOST_LINE = `[git.example.com]:2222 ${key.publicKey.split(' ').slice(0, 2).join(' ')}`;

describe('repoCredentialFromInput', () => {
  test.each([
    ['a bare token, default user', HTTPS, { token: 'ghp_abc' }, { kind: 'token', username: 'x-access-token', token: 'ghp_abc' }],
    ['a token with its user', HTTPS, { token: 'glpat-1', username: 'oauth2' }, { kind: 'token', username: 'oauth2', token: 'glpat-1' }],
    ['an SSH key with known_hosts', SSH, { privateKey: key.privateKey, knownHosts: HOST_LINE }, { kind: 'ssh-key', privateKey: key.privateKey, knownHosts: `${HOST_LINE}\n` }],
    ['an SSH key, CRLF and no final newline', 'ssh://git@git.example.com/acme/shop.git', { privateKey: key.privateKey.trim().replace(/\n/g, '\r\n') }, { kind: 'ssh-key', privateKey: key.privateKey }],
  ])('%s', (_name, url, input, expected) => {
    expect(repoCredentialFromInput({ app: 'shop', url, input, policy })).toEqual(expected);
  });

  test('generate makes an ed25519 pair named for the app', () => {
    const made = repoCredentialFromInput({ app: 'shop', url: SSH, input: { generate: 'ed25519' }, policy });
    expect(made).toMatchObject({ kind: 'ssh-key', privateKey: expect.stringContaining('BEGIN OPENSSH PRIVATE KEY'), publicKey: expect.stringMatching(/^ssh-ed25519 AAAA\S+ slipway-shop$/) });
  });

  test.each([
    ['nothing', HTTPS, {}, /one of token, privateKey or generate; got none/],
    ['token and key', HTTPS, { token: 't', privateKey: key.privateKey }, /got token and privateKey/],
    ['a token for an ssh URL', SSH, { token: 't' }, /a token is for an https:\/\/ repo URL/],
    ['a key for an https URL', HTTPS, { privateKey: key.privateKey }, /an SSH key is for an ssh repo URL/],
    ['known_hosts with a token', HTTPS, { token: 't', knownHosts: HOST_LINE }, /knownHosts goes with an SSH key/],
    ['a user name with a key', SSH, { privateKey: key.privateKey, username: 'git' }, /username goes with a token/],
    ['not a key', SSH, { privateKey: 'hello' }, /not a private key/],
    ['a PEM key with a passphrase', SSH, { privateKey: '-----BEGIN RSA PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\nDEK-Info: AES-128-CBC,00\n\nAAAA\n-----END RSA PRIVATE KEY-----\n' }, /encrypted with a passphrase/],
    ['a PKCS#8 key with a passphrase', SSH, { privateKey: '-----BEGIN ENCRYPTED PRIVATE KEY-----\nAAAA\n-----END ENCRYPTED PRIVATE KEY-----\n' }, /encrypted with a passphrase/],
    ['known_hosts that is not one', SSH, { generate: 'ed25519' as const, knownHosts: 'git.example.com hello' }, /is not "host keytype base64-key"/],
    ['known_hosts of comments only', SSH, { generate: 'ed25519' as const, knownHosts: '# nothing\n' }, /holds no host key line/],
  ])('refuses %s (VALIDATION_FAILED)', (_name, url, input, message) => {
    const attempt = () => repoCredentialFromInput({ app: 'shop', url, input, policy });
    expect(attempt).toThrow(SlipwayError);
    expect(attempt).toThrow(message);
  });

  test('an OpenSSH key with a passphrase is refused: its cipher is not "none"', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'slipway-key-test-'));
    try {
      execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', 'a passphrase', '-f', path.join(dir, 'k')]);
      const encrypted = execFileSync('cat', [path.join(dir, 'k')]).toString();
      expect(() => checkPrivateKey(encrypted)).toThrow(/encrypted with a passphrase/);
      execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', path.join(dir, 'plain')]);
      const plain = execFileSync('cat', [path.join(dir, 'plain')]).toString();
      expect(checkPrivateKey(plain)).toBe(plain);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

test('known_hosts lines from ssh-keyscan are kept, comments and blank lines dropped', () => {
  const text = `# git.example.com:22 SSH-2.0-OpenSSH_9.2\n\n${HOST_LINE}\r\ngit.example.com,192.0.2.1 ecdsa-sha2-nistp256 AAAAE2VjZHNh= \n`;
  expect(checkKnownHosts(text)).toBe(`${HOST_LINE}\ngit.example.com,192.0.2.1 ecdsa-sha2-nistp256 AAAAE2VjZHNh=\n`);
});

test('a generated key is one ssh-keygen reads, and its public half is the one it derives', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'slipway-key-test-'));
  try {
    writeFileSync(path.join(dir, 'k'), key.privateKey, { mode: 0o600 });
    const derived = execFileSync('ssh-keygen', ['-y', '-f', path.join(dir, 'k')]).toString().trim();
    expect(derived).toBe(key.publicKey);
    expect(generateDeployKey('x').privateKey).not.toBe(generateDeployKey('x').privateKey);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test.each([
  ['git over HTTP without a credential', "fatal: could not read Username for 'http://127.0.0.1:4000': terminal prompts disabled", 'REPO_AUTH_FAILED'],
  ['a wrong token', "remote: HTTP Basic: Access denied; fatal: Authentication failed for 'https://gitlab.example.com/a/b.git/'", 'REPO_AUTH_FAILED'],
  ['a 403', 'fatal: unable to access ...: The requested URL returned error: 403', 'REPO_AUTH_FAILED'],
  ['a key the host does not know', 'git@127.0.0.1: Permission denied (publickey).; fatal: Could not read from remote repository.', 'REPO_AUTH_FAILED'],
  ['a host key that changed', '@@@ WARNING: REMOTE HOST IDENTIFICATION HAS CHANGED! @@@; Host key verification failed.', 'REPO_HOST_KEY_MISMATCH'],
  ['an unknown host key', 'No ED25519 host key is known for [127.0.0.1]:2222 and you have requested strict checking.; Host key verification failed.', 'REPO_HOST_KEY_MISMATCH'],
  ['an unreachable host', 'fatal: unable to access ...: Failed to connect to 127.0.0.1 port 1: Connection refused', undefined],
  ['a missing repo', "fatal: '/srv/x.git' does not appear to be a git repository", undefined],
  ['a 404', 'fatal: repository ... not found; The requested URL returned error: 404', undefined],
])('git failure: %s', (_name, message, code) => {
  expect(credentialFailure(message)?.code).toBe(code);
});

describe('repoCredentialSecrets masks every printable form', () => {
  test('a token, alone and as a Basic auth header', () => {
    const mask = createMasker(repoCredentialSecrets({ kind: 'token', username: 'bot', token: 'tok-123456' }));
    const basic = Buffer.from('bot:tok-123456').toString('base64');
    expect(mask(`url?t=tok-123456 Authorization: Basic ${basic}`)).toBe('url?t=**** Authorization: Basic ****');
  });

  test('a private key, whole or a line at a time', () => {
    const mask = createMasker(repoCredentialSecrets({ kind: 'ssh-key', privateKey: key.privateKey }));
    const body = key.privateKey.split('\n').filter((l) => l && !l.startsWith('-----'));
    for (const line of body.filter((l) => l.length >= 4)) expect(mask(`> ${line}`)).toBe('> ****');
    expect(mask(key.privateKey)).not.toMatch(/[A-Za-z0-9+/]{20}/);
    expect(mask('-----BEGIN OPENSSH PRIVATE KEY-----')).toBe('-----BEGIN OPENSSH PRIVATE KEY-----');
  });

  test('none for a public repo', () => {
    expect(repoCredentialSecrets(undefined)).toEqual([]);
  });
});
