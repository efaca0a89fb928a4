import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { repoCredentialInput } from '../../src/cli/commands/repo-credential.js';

// issue 19: the new-app / repo-credential set flags, turned into the API's body.
const dir = mkdtempSync(path.join(os.tmpdir(), 'slipway-cli-cred-'));
const file = (name: string, text: string) => {
  writeFileSync(path.join(dir, name), text);
  return `@${path.join(dir, name)}`;
};
afterAll(() => rmSync(dir, { recursive: true, force: true }));

test.each([
  ['no flag: a public repo', {}, undefined],
  ['a bare token', { repoToken: 'ghp_1' }, { token: 'ghp_1' }],
  ['user:token', { repoToken: 'oauth2:glpat-x' }, { username: 'oauth2', token: 'glpat-x' }],
  ['a token from a file, newline dropped', { repoToken: file('token', 'bot:abc\n') }, { username: 'bot', token: 'abc' }],
  ['a deploy key from a file', { deployKey: file('key', 'KEY\n') }, { privateKey: 'KEY' }],
  ['a deploy key with known_hosts', { deployKey: file('key2', 'KEY'), knownHosts: file('kh', 'host ssh-ed25519 AAAA\n') }, { privateKey: 'KEY', knownHosts: 'host ssh-ed25519 AAAA' }],
  ['a generated key', { generateDeployKey: true }, { generate: 'ed25519' }],
  ['a generated key with one known_hosts line', { generateDeployKey: true, knownHosts: 'host ssh-ed25519 AAAA' }, { generate: 'ed25519', knownHosts: 'host ssh-ed25519 AAAA' }],
])('%s', (_name, options, expected) => {
  expect(repoCredentialInput(options)).toEqual(expected);
});

test.each([
  ['two credentials', { repoToken: 't', generateDeployKey: true }, /--repo-token and --generate-deploy-key contradict/],
  ['a key on the command line', { deployKey: '-----BEGIN OPENSSH PRIVATE KEY-----' }, /--deploy-key takes @FILE/],
  ['known_hosts with a token', { repoToken: 't', knownHosts: 'h ssh-ed25519 AAAA' }, /--known-hosts goes with an SSH deploy key/],
  ['known_hosts alone', { knownHosts: 'h ssh-ed25519 AAAA' }, /--known-hosts needs --deploy-key or --generate-deploy-key/],
  ['a missing file', { repoToken: '@/nonexistent/token' }, /--repo-token: cannot read/],
])('refuses %s', (_name, options, message) => {
  expect(() => repoCredentialInput(options)).toThrow(message);
});
