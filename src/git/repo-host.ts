import { lookup as dnsLookup } from 'node:dns/promises';
import net from 'node:net';
import { SlipwayError } from '../errors.js';
import type { RepoScheme } from '../config.js';
import { forbidden, forbiddenAddress, validateRepoUrl, type RepoUrlPolicy } from './repo-url.js';

export type LookupAddress = { address: string; family: number };
/** Resolves a host name to every address it has (A and AAAA); injectable so tests decide the answers. */
export type Lookup = (hostname: string) => Promise<LookupAddress[]>;

/** The machine's resolver (getaddrinfo, as git and curl use it), every address, in its order. */
export const systemLookup: Lookup = (hostname) => dnsLookup(hostname, { all: true, verbatim: true });

// getaddrinfo has no timeout of its own; a stuck resolver must not hold a request or a build.
const LOOKUP_TIMEOUT_MS = 10_000;

export interface CheckedRepoUrl {
  scheme: RepoScheme;
  host: string;
  port: number;
  /** What the host resolved to, all judged public; empty when private hosts are allowed (nothing is checked). */
  addresses: string[];
}

/**
 * validateRepoUrl, then the host resolved and every address judged: a name with any A or AAAA
 * record in a loopback, private, link-local, CGNAT, multicast or IPv4-in-IPv6 range is refused
 * (REPO_URL_FORBIDDEN), as is a name that resolves to nothing (REPO_UNREACHABLE). Called when an
 * app is created and again before every clone, fetch and ls-remote: a name can change its answer.
 */
export async function checkRepoUrl(params: { url: string; policy: RepoUrlPolicy; lookup?: Lookup }): Promise<CheckedRepoUrl> {
  const { url, policy } = params;
  const parsed = validateRepoUrl(url, policy);
  if (policy.allowPrivateHosts) return { ...parsed, addresses: [] };
  if (net.isIP(parsed.host)) return { ...parsed, addresses: [parsed.host] };
  const answers = await withTimeout((params.lookup ?? systemLookup)(parsed.host), LOOKUP_TIMEOUT_MS).catch((error: unknown) => {
    const code = (error as { code?: string }).code ?? (error instanceof Error ? error.message : String(error));
    throw new SlipwayError('REPO_UNREACHABLE', `cannot resolve the host of ${url}: ${code}`, { url, host: parsed.host });
  });
  if (answers.length === 0) throw new SlipwayError('REPO_UNREACHABLE', `the host of ${url} has no address`, { url, host: parsed.host });
  const refused = answers.map((a) => forbiddenAddress(a.address)).filter((why): why is string => why !== undefined);
  if (refused.length) throw forbidden(url, `host "${parsed.host}" resolves to ${refused.join(', ')}; internal hosts need SLIPWAY_ALLOW_PRIVATE_REPO_HOSTS=true`);
  return { ...parsed, addresses: answers.map((a) => a.address) };
}

/**
 * git `-c` settings that hold a fetch to the addresses just checked: no HTTP redirects (a
 * public host could answer 302 to http://169.254.169.254/), and for http(s) the checked
 * addresses handed to curl (`http.curloptResolve`), so a second lookup by git cannot get a
 * different answer (DNS rebinding). ssh and git:// resolve again in git; see docs/security.md.
 */
export function pinnedGitConfig(target: CheckedRepoUrl): string[] {
  const config = ['http.followRedirects=false'];
  if ((target.scheme === 'https' || target.scheme === 'http') && target.addresses.length && !net.isIP(target.host)) {
    const addresses = target.addresses.map((a) => (net.isIPv6(a) ? `[${a}]` : a)).join(',');
    config.push(`http.curloptResolve=${target.host}:${target.port}:${addresses}`);
  }
  return config;
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(Object.assign(new Error(`lookup timed out after ${ms} ms`), { code: 'ETIMEOUT' })), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
