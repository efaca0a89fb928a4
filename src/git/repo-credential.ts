import { ValidationError } from '../errors.js';
import type { RepoCredential } from '../store/repo-credential-store.js';
import type { RepoCredentialInput } from '../store/schemas/repo-credential.js';
import { generateDeployKey } from './deploy-key.js';
import { validateRepoUrl, type RepoUrlPolicy } from './repo-url.js';

/** The user name a bare token is sent with: GitHub, Gitea and GitLab take a token under any name; this one is GitHub's for app tokens. */
export const DEFAULT_TOKEN_USER = 'x-access-token';

const invalid = (message: string) => new ValidationError(message, { field: 'repoCredential' });

/**
 * The credential an API input stands for, checked against the app's repo URL: a token only for
 * an http(s) URL, an SSH key only for an ssh one; one of token, privateKey and generate; a key
 * Slipway can use without a passphrase; known_hosts lines that are host keys. `generate` makes
 * the key pair here (the answer shows its public half).
 */
export function repoCredentialFromInput(params: { app: string; url: string; input: RepoCredentialInput; policy: RepoUrlPolicy }): RepoCredential {
  const { input } = params;
  const given = (['token', 'privateKey', 'generate'] as const).filter((f) => input[f] !== undefined);
  if (given.length !== 1) throw invalid(`a repo credential is one of token, privateKey or generate; got ${given.length ? given.join(' and ') : 'none'}`);
  const { scheme } = validateRepoUrl(params.url, params.policy);
  if (input.token !== undefined) {
    if (input.knownHosts !== undefined) throw invalid('knownHosts goes with an SSH key, not a token');
    if (scheme !== 'https' && scheme !== 'http') throw invalid(`a token is for an https:// repo URL; ${params.url} is ${scheme}: use an SSH deploy key`);
    return { kind: 'token', username: input.username ?? DEFAULT_TOKEN_USER, token: input.token };
  }
  if (input.username !== undefined) throw invalid('username goes with a token, not an SSH key');
  if (scheme !== 'ssh') throw invalid(`an SSH key is for an ssh repo URL (git@host:path or ssh://); ${params.url} is ${scheme}: use a token`);
  const knownHosts = input.knownHosts === undefined ? undefined : checkKnownHosts(input.knownHosts);
  if (input.generate) {
    const key = generateDeployKey(`slipway-${params.app}`);
    return { kind: 'ssh-key', privateKey: key.privateKey, publicKey: key.publicKey, ...(knownHosts ? { knownHosts } : {}) };
  }
  return { kind: 'ssh-key', privateKey: checkPrivateKey(input.privateKey!), ...(knownHosts ? { knownHosts } : {}) };
}

const PEM = /^-----BEGIN ((?:OPENSSH|RSA|EC|DSA) )?PRIVATE KEY-----\n([A-Za-z0-9+/=\n:, -]+)\n-----END \1?PRIVATE KEY-----\n?$/;

/**
 * An unencrypted private key as ssh reads it, line ends made `\n` and a final newline added
 * (ssh refuses an OpenSSH key without one). A key with a passphrase cannot be used unattended.
 */
export function checkPrivateKey(text: string): string {
  const key = text.replace(/\r\n/g, '\n').trim() + '\n';
  if (/^-----BEGIN [A-Z ]*PRIVATE KEY-----\n[\s\S]*ENCRYPTED/.test(key)) throw invalid('privateKey is encrypted with a passphrase: give a deploy key without one');
  const match = PEM.exec(key);
  if (!match) throw invalid('privateKey is not a private key in PEM or OpenSSH format (-----BEGIN OPENSSH PRIVATE KEY-----)');
  if (match[1] === 'OPENSSH ') {
    // openssh-key-v1\0, then the cipher name as an SSH string: "none" unless a passphrase protects it.
    const body = Buffer.from(match[2]!.replace(/\n/g, ''), 'base64');
    const magic = 'openssh-key-v1\0';
    if (body.subarray(0, magic.length).toString('latin1') !== magic) throw invalid('privateKey is not an OpenSSH private key');
    const length = body.length >= magic.length + 4 ? body.readUInt32BE(magic.length) : -1;
    const cipher = body.subarray(magic.length + 4, magic.length + 4 + Math.max(length, 0)).toString('latin1');
    if (cipher !== 'none') throw invalid('privateKey is encrypted with a passphrase: give a deploy key without one');
  }
  return key;
}

// `[host]:port,host2 keytype base64 [comment]`; markers (@cert-authority, @revoked) are allowed too.
const KNOWN_HOST = /^(@(cert-authority|revoked) )?[^\s#]+ (ssh-(ed25519|rsa|dss)|ecdsa-sha2-nistp(256|384|521)|sk-(ssh-ed25519|ecdsa-sha2-nistp256)@openssh\.com)(-cert-v01@openssh\.com)? [A-Za-z0-9+/]+=*( [^\x00-\x1f\x7f]*)?$/;

/** known_hosts text (ssh-keyscan's output): host key lines and comments only, normalised to `\n`. */
export function checkKnownHosts(text: string): string {
  const lines = text.replace(/\r\n/g, '\n').split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#'));
  if (!lines.length) throw invalid('knownHosts holds no host key line');
  const bad = lines.find((l) => !KNOWN_HOST.test(l));
  if (bad) throw invalid(`knownHosts line "${bad.slice(0, 80)}" is not "host keytype base64-key" (as ssh-keyscan prints)`);
  return lines.join('\n') + '\n';
}
