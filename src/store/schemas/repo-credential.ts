// issue 19, private repos: what the API takes to set an app's repo credential, and the only view
// of one it ever gives back (no token, no private key).
import { Type, type Static } from 'typebox';
import { closed, stringEnum } from './type-helpers.js';

/** Bounds: an OpenSSH RSA-4096 key is ~3.4 KiB; a known_hosts for one host a few lines. */
export const REPO_CREDENTIAL_LIMITS = { token: 4096, username: 255, privateKey: 16_384, knownHosts: 16_384 } as const;

/**
 * One of: `token` (with an optional `username`: HTTPS Basic auth as git hosts take tokens),
 * `privateKey` (an SSH deploy key, unencrypted, PEM or OpenSSH format), or `generate: "ed25519"`
 * (Slipway makes the key pair and answers with the public half). `knownHosts` pins the SSH host
 * keys; without it they are learned on first use and pinned. Which one is given is checked in
 * code (src/git/repo-credential.ts), so the error names the field, not a branch of a union.
 */
export const repoCredentialInputSchema = Type.Object(
  {
    token: Type.Optional(Type.String({ minLength: 1, maxLength: REPO_CREDENTIAL_LIMITS.token, pattern: '^[\\x21-\\x7e]+$' })),
    username: Type.Optional(Type.String({ minLength: 1, maxLength: REPO_CREDENTIAL_LIMITS.username, pattern: '^[\\x21-\\x39\\x3b-\\x7e]+$', description: 'HTTPS user name for the token; default `x-access-token`. No `:`.' })),
    privateKey: Type.Optional(Type.String({ minLength: 1, maxLength: REPO_CREDENTIAL_LIMITS.privateKey })),
    generate: Type.Optional(stringEnum(['ed25519'], { description: 'Generate an SSH deploy key; the answer holds its public half.' })),
    knownHosts: Type.Optional(Type.String({ minLength: 1, maxLength: REPO_CREDENTIAL_LIMITS.knownHosts, description: 'known_hosts lines for the repo host (`ssh-keyscan` output).' })),
  },
  { ...closed, minProperties: 1 },
);
export type RepoCredentialInput = Static<typeof repoCredentialInputSchema>;

/** What GET /apps/:app/repo-credential says: the kind, a fingerprint to tell two apart, public parts. */
export const repoCredentialSummarySchema = Type.Object(
  {
    kind: stringEnum(['token', 'ssh-key']),
    username: Type.Optional(Type.String()),
    sha256: Type.String({ description: 'First 12 hex digits of the SHA-256 of the token or private key.' }),
    publicKey: Type.Optional(Type.String({ description: 'The public half of a key Slipway generated: add it to the git host as a deploy key.' })),
    knownHosts: Type.Optional(Type.String()),
    hostKeys: Type.Optional(stringEnum(['given', 'learned'], { description: 'How the pinned SSH host keys came: given with the credential, or learned on first use.' })),
    updatedAt: Type.String(),
  },
  closed,
);
export type RepoCredentialSummary = Static<typeof repoCredentialSummarySchema>;
