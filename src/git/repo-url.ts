import net from 'node:net';
import { SlipwayError } from '../errors.js';
import type { Config, RepoScheme } from '../config.js';

export interface RepoUrlPolicy {
  allowedSchemes: RepoScheme[];
  allowPrivateHosts: boolean;
}

/** The repo URL rules of a Slipway install. */
export function repoUrlPolicy(config: Pick<Config, 'allowedRepoSchemes' | 'allowPrivateRepoHosts'>): RepoUrlPolicy {
  return { allowedSchemes: config.allowedRepoSchemes, allowPrivateHosts: config.allowPrivateRepoHosts };
}

const SCP_LIKE = /^([a-z0-9._-]+)@([a-z0-9.-]+):(?!\/\/)(.+)$/i;
const DEFAULT_PORTS: Record<RepoScheme, number> = { https: 443, http: 80, ssh: 22, git: 9418 };

function invalid(url: string, why: string): SlipwayError {
  return new SlipwayError('REPO_URL_INVALID', `repository URL "${url}" is not allowed: ${why}`, { url });
}

/** A well-formed URL whose host is one Slipway must not reach (SSRF guard); 422, not 400. */
export function forbidden(url: string, why: string): SlipwayError {
  return new SlipwayError('REPO_URL_FORBIDDEN', `repository URL "${url}" is not allowed: ${why}`, { url });
}

/**
 * Names that point inside the machine or the cluster whatever they resolve to here, refused
 * before any lookup (a name that does not resolve on this host may well resolve in a pod):
 * single-label names (`kubernetes`, `redis`: resolved through search domains), `localhost`,
 * the special-use suffixes `.localhost`, `.local` (mDNS, also `cluster.local`), `.internal`
 * (ICANN's private-use TLD: `metadata.google.internal`, `*.ec2.internal`), `.home.arpa`, and
 * Kubernetes service names ending in `.svc` (`kubernetes.default.svc`).
 */
const FORBIDDEN_SUFFIXES = ['.localhost', '.local', '.internal', '.home.arpa', '.svc'];

/** Why `host` (a DNS name, not an address) is refused by name; undefined if it is not. */
export function forbiddenHostName(host: string): string | undefined {
  const name = host.toLowerCase().replace(/\.$/, '');
  if (name === 'localhost') return `"${host}" is loopback`;
  if (!name.includes('.')) return `"${host}" is a single-label name, resolved through internal search domains`;
  const suffix = FORBIDDEN_SUFFIXES.find((s) => name.endsWith(s));
  return suffix ? `"${host}" is an internal name (*${suffix})` : undefined;
}

type Rule = { version: 4 | 6; prefix: number[]; bits: number; reason: string };

const v4 = (cidr: string, reason: string): Rule => {
  const [address, bits] = cidr.split('/') as [string, string];
  return { version: 4, prefix: address.split('.').map(Number), bits: Number(bits), reason };
};
const v6 = (cidr: string, reason: string): Rule => {
  const [address, bits] = cidr.split('/') as [string, string];
  return { version: 6, prefix: ipv6Bytes(address), bits: Number(bits), reason };
};

/**
 * Address ranges a repo host must not resolve to (IANA special-purpose registries, RFC 6890).
 * IPv6 forms that carry an IPv4 address are refused outright (mapped, compatible, translated,
 * 6to4, Teredo), except the NAT64 well-known prefix, whose embedded address is judged instead:
 * an IPv6-only host reaches public repos through it.
 */
const RULES: Rule[] = [
  v4('0.0.0.0/8', 'unspecified ("this network")'),
  v4('10.0.0.0/8', 'private (10/8)'),
  v4('100.64.0.0/10', 'carrier-grade NAT (100.64/10)'),
  v4('127.0.0.0/8', 'loopback'),
  v4('169.254.0.0/16', 'link-local (cloud metadata)'),
  v4('172.16.0.0/12', 'private (172.16/12)'),
  v4('192.0.0.0/24', 'IETF protocol assignments'),
  v4('192.0.2.0/24', 'documentation'),
  v4('192.88.99.0/24', '6to4 relay'),
  v4('192.168.0.0/16', 'private (192.168/16)'),
  v4('198.18.0.0/15', 'benchmarking'),
  v4('198.51.100.0/24', 'documentation'),
  v4('203.0.113.0/24', 'documentation'),
  v4('224.0.0.0/4', 'multicast'),
  v4('240.0.0.0/4', 'reserved or broadcast'),
  v6('::/128', 'unspecified'),
  v6('::1/128', 'loopback'),
  v6('::ffff:0:0/96', 'IPv4-mapped'),
  v6('::ffff:0:0:0/96', 'IPv4-translated'),
  v6('::/96', 'IPv4-compatible'),
  v6('64:ff9b:1::/48', 'local-use NAT64'),
  v6('100::/64', 'discard-only'),
  v6('2001::/32', 'Teredo'),
  v6('2001:db8::/32', 'documentation'),
  v6('2002::/16', '6to4'),
  v6('fc00::/7', 'unique local (fc00::/7)'),
  v6('fe80::/10', 'link-local (fe80::/10)'),
  v6('fec0::/10', 'site-local'),
  v6('ff00::/8', 'multicast'),
];

const NAT64 = v6('64:ff9b::/96', 'NAT64');

/** The 16 bytes of an IPv6 address (callers check net.isIPv6 first); a trailing dotted quad is its last 4. */
function ipv6Bytes(address: string): number[] {
  let text = address.toLowerCase();
  let tail: number[] = [];
  const dotted = /^(.*:)(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (dotted) {
    const [a, b, c, d] = dotted[2]!.split('.').map(Number) as [number, number, number, number];
    tail = [(a << 8) | b, (c << 8) | d];
    text = dotted[1]!.endsWith('::') ? dotted[1]! : dotted[1]!.slice(0, -1);
  }
  const words = (part: string) => (part ? part.split(':').map((w) => parseInt(w, 16)) : []);
  const [head, rest] = text.split('::') as [string, string | undefined];
  const left = words(head);
  const right = [...(rest === undefined ? [] : words(rest)), ...tail];
  const all = rest === undefined ? [...left, ...right] : [...left, ...Array<number>(8 - left.length - right.length).fill(0), ...right];
  return all.flatMap((w) => [w >> 8, w & 0xff]);
}

function matches(bytes: number[], rule: Rule): boolean {
  for (let bit = 0; bit < rule.bits; bit += 8) {
    const take = Math.min(8, rule.bits - bit);
    const mask = (0xff << (8 - take)) & 0xff;
    if (((bytes[bit / 8] ?? 0) & mask) !== ((rule.prefix[bit / 8] ?? 0) & mask)) return false;
  }
  return true;
}

/** Why `address` (an IP literal) is not a place to fetch a repo from; undefined for a public address. */
export function forbiddenAddress(address: string): string | undefined {
  const ip = address.replace(/^\[|\]$/g, '').replace(/%.*$/, '');
  const version = net.isIPv4(ip) ? 4 : net.isIPv6(ip) ? 6 : 0;
  if (version === 0) return `"${address}" is not an IP address`;
  const bytes = version === 4 ? ip.split('.').map(Number) : ipv6Bytes(ip);
  const rule = RULES.find((r) => r.version === version && matches(bytes, r));
  if (rule) return `${ip} is ${rule.reason}`;
  if (version === 6 && matches(bytes, NAT64)) {
    const embedded = bytes.slice(12).join('.');
    const inner = forbiddenAddress(embedded);
    return inner ? `${ip} is NAT64 for ${inner}` : undefined;
  }
  return undefined;
}

/** The host as it appears in a URL, IPv6 brackets removed. */
const bare = (host: string) => host.replace(/^\[|\]$/g, '');

/**
 * Validates a repository URL before git ever sees it. Refuses schemes outside the allow-list
 * (no file://, no ext::), anything git could read as an option (a leading "-"), control
 * characters and credentials (REPO_URL_INVALID); and, unless private hosts are allowed,
 * internal names and non-public address literals (REPO_URL_FORBIDDEN). Names are resolved
 * and judged by checkRepoUrl (repo-host.ts), which calls this first.
 */
const CREDENTIALS_IN_URL = 'credentials in the URL would be stored; give the app a repo credential instead (--repo-token or --deploy-key, PUT /apps/:app/repo-credential)';
// The prefixes GitHub, GitLab and Bitbucket give their tokens.
const TOKEN_PREFIX = /^(gh[pousr]_|github_pat_|glpat-|gldt-|glptt-|gloas-|ATBB|ATCTT)/;

/**
 * A user name that is a token (`https://ghp_…@github.com/…` clones on GitHub): a known token
 * prefix, or 32 and more letters, digits, `-` and `_`. Names like Bitbucket's `https://alice@…`
 * stay allowed.
 */
export function looksLikeToken(username: string): boolean {
  // Percent-decoded by hand: decodeURIComponent throws on a stray `%`.
  const name = username.replace(/%([0-9a-f]{2})/gi, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
  return TOKEN_PREFIX.test(name) || /^[\w-]{32,}$/.test(name);
}

export function validateRepoUrl(url: string, policy: RepoUrlPolicy): { scheme: RepoScheme; host: string; port: number } {
  if (!url || url.startsWith('-')) throw invalid(url, 'it must not start with "-"');
  if (/[\s\x00-\x1f\x7f]/.test(url)) throw invalid(url, 'it contains whitespace or control characters');
  let scheme: string;
  let host: string;
  let port: number | undefined;
  const scp = SCP_LIKE.exec(url);
  if (scp) {
    scheme = 'ssh';
    host = scp[2]!;
  } else {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      throw invalid(url, 'it is not a URL');
    }
    scheme = parsed.protocol.replace(/:$/, '');
    host = parsed.hostname;
    port = parsed.port ? Number(parsed.port) : undefined;
    if (parsed.password || looksLikeToken(parsed.username)) throw invalid(url, CREDENTIALS_IN_URL);
  }
  if (!policy.allowedSchemes.includes(scheme as RepoScheme)) {
    throw invalid(url, `scheme "${scheme}" is not one of ${policy.allowedSchemes.join(', ')}`);
  }
  if (!host) throw invalid(url, 'it has no host');
  host = bare(host).toLowerCase();
  if (!policy.allowPrivateHosts) {
    // WHATWG URL already turned 0x7f.1, 2130706433 and 127.1 into 127.0.0.1.
    const why = net.isIP(host) ? forbiddenAddress(host) : forbiddenHostName(host);
    if (why) throw forbidden(url, `${why}; internal hosts need SLIPWAY_ALLOW_PRIVATE_REPO_HOSTS=true`);
  }
  return { scheme: scheme as RepoScheme, host, port: port ?? DEFAULT_PORTS[scheme as RepoScheme] };
}
