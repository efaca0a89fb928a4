// What a commit id looks like: the one rule the API, the webhook parsers and the clone share.

/** A commit id as git prints it, SHA-1 (40 hex) or SHA-256 (64 hex): nothing else is ever handed to git. */
export const COMMIT_ID_PATTERN = '^(?:[0-9a-f]{40}|[0-9a-f]{64})$';
export const COMMIT_ID = new RegExp(COMMIT_ID_PATTERN);

/** The all-zeros id providers send for a deleted ref (Bitbucket sends `new: null` instead; its parser writes this). */
export const ZERO_SHA = '0'.repeat(40);

/** Whether `sha` is an all-zeros id, a deleted ref's, whatever its length. */
export function isZeroSha(sha: string): boolean {
  return /^0+$/.test(sha);
}
