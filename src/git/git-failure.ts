import type { ErrorCode } from '../errors.js';

// What git, curl and ssh print when the repo refuses who is asking, or the host is not the pinned one.
const HOST_KEY = /Host key verification failed|REMOTE HOST IDENTIFICATION HAS CHANGED|host key for .* has changed/i;
const AUTH = [
  /Authentication failed for/i,
  /could not read (Username|Password) for/i,
  /Permission denied \((publickey|password|keyboard-interactive)/i,
  /HTTP Basic: Access denied/i,
  /The requested URL returned error: 40[13]\b/i,
  /Invalid username or (password|token)/i,
];

/**
 * The stable code of a git failure that is about credentials, from git's message: a host key
 * that is not the pinned one (REPO_HOST_KEY_MISMATCH) or a refused or missing credential
 * (REPO_AUTH_FAILED); undefined for every other failure (unreachable host, missing commit...).
 */
export function credentialFailure(message: string): { code: ErrorCode; hint: string } | undefined {
  if (HOST_KEY.test(message)) {
    return { code: 'REPO_HOST_KEY_MISMATCH', hint: "the repo host's SSH key is not one pinned for this app, or none is (if the host really changed its key, set the credential again with --known-hosts)" };
  }
  if (AUTH.some((pattern) => pattern.test(message))) {
    return { code: 'REPO_AUTH_FAILED', hint: 'the repo refused the credential, or needs one (slipway repo-credential set)' };
  }
  return undefined;
}
