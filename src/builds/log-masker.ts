import type { RepoCredential } from '../store/repo-credential-store.js';

/** Masks secrets in one piece of text; `longest` is the length of the longest form it looks for. */
export interface Masker {
  (text: string): string;
  longest: number;
}

/**
 * Replaces every occurrence of a secret (registry password, tokens, build secrets) before a
 * line is stored or streamed. Base64 forms are masked too: docker prints auth that way.
 *
 * It works on whole lines: docker's output arrives in chunks that may cut a secret in two,
 * so output goes through logLines (log-lines.ts), which joins the pieces of a line first.
 */
export function createMasker(secrets: Array<string | undefined>): Masker {
  const needles = secrets
    .filter((s): s is string => typeof s === 'string' && s.length >= 4)
    .flatMap((s) => [s, Buffer.from(s).toString('base64')])
    .sort((a, b) => b.length - a.length);
  const mask = (text: string) => needles.reduce((out, needle) => out.split(needle).join('****'), text);
  return Object.assign(mask, { longest: needles[0]?.length ?? 0 });
}

/**
 * issue 19, private repos: the forms a repo credential could be printed in. A token, and the
 * `user:token` pair whose base64 is an HTTP Basic header; a private key whole and line by line
 * (logs are masked a line at a time), its BEGIN/END armour lines excepted, which say nothing.
 */
export function repoCredentialSecrets(credential: RepoCredential | undefined): string[] {
  if (!credential) return [];
  if (credential.kind === 'token') return [credential.token, `${credential.username}:${credential.token}`];
  const lines = credential.privateKey.split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('-----'));
  return [credential.privateKey.trim(), ...lines];
}
