import net from 'node:net';
import { SlipwayError } from '../errors.js';
import type { RepoScheme } from '../config.js';

export interface RepoUrlPolicy {
  allowedSchemes: RepoScheme[];
  allowPrivateHosts: boolean;
}

const SCP_LIKE = /^([a-z0-9._-]+)@([a-z0-9.-]+):(?!\/\/)(.+)$/i;

function invalid(url: string, why: string): SlipwayError {
  return new SlipwayError('REPO_URL_INVALID', `repository URL "${url}" is not allowed: ${why}`, { url });
}

function isPrivateHost(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  if (h === 'localhost' || h.endsWith('.localhost') || h.endsWith('.local')) return true;
  if (net.isIPv4(h)) {
    const [a, b] = h.split('.').map(Number) as [number, number];
    return a === 127 || a === 10 || a === 0 || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168) || (a === 169 && b === 254) || (a === 100 && b >= 64 && b <= 127);
  }
  if (net.isIPv6(h)) return h === '::1' || h === '::' || /^f[cd]/.test(h) || h.startsWith('fe80') || h.startsWith('::ffff:');
  return false;
}

/**
 * Validates a repository URL before git ever sees it. Refuses schemes outside the allow-list
 * (no file://, no ext::), anything git could read as an option (a leading "-"), control
 * characters, and loopback/private hosts unless allowed (the build worker must not become a
 * way to reach internal services). Returns the normalised scheme and host.
 */
export function validateRepoUrl(url: string, policy: RepoUrlPolicy): { scheme: RepoScheme; host: string } {
  if (!url || url.startsWith('-')) throw invalid(url, 'it must not start with "-"');
  if (/[\s\x00-\x1f\x7f]/.test(url)) throw invalid(url, 'it contains whitespace or control characters');
  let scheme: string;
  let host: string;
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
    if (parsed.password) throw invalid(url, 'credentials in the URL would be stored; use a deploy key or token secret');
  }
  if (!policy.allowedSchemes.includes(scheme as RepoScheme)) {
    throw invalid(url, `scheme "${scheme}" is not one of ${policy.allowedSchemes.join(', ')}`);
  }
  if (!host) throw invalid(url, 'it has no host');
  if (!policy.allowPrivateHosts && isPrivateHost(host)) throw invalid(url, `host "${host}" is a loopback or private address`);
  return { scheme: scheme as RepoScheme, host };
}
