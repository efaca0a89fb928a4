import type { RepoScheme } from '../../src/config.js';
import { checkRepoUrl, pinnedGitConfig, systemLookup, type Lookup } from '../../src/git/repo-host.js';
import { forbiddenAddress, forbiddenHostName, validateRepoUrl } from '../../src/git/repo-url.js';

const strict = { allowedSchemes: ['https', 'ssh'] as const, allowPrivateHosts: false };
const local = { allowedSchemes: ['https', 'ssh', 'git'] as const, allowPrivateHosts: true };
const policyOf = (p: { allowedSchemes: readonly RepoScheme[]; allowPrivateHosts: boolean }) => ({ ...p, allowedSchemes: [...p.allowedSchemes] });

describe('validateRepoUrl', () => {
  test.each([
    ['https', 'https://github.com/acme/shop.git', strict, { scheme: 'https', host: 'github.com', port: 443 }],
    ['https with a port', 'https://git.example.com:8443/acme/shop.git', strict, { scheme: 'https', host: 'git.example.com', port: 8443 }],
    ['ssh URL', 'ssh://git@gitlab.com/acme/shop.git', strict, { scheme: 'ssh', host: 'gitlab.com', port: 22 }],
    ['scp-like ssh', 'git@github.com:acme/shop.git', strict, { scheme: 'ssh', host: 'github.com', port: 22 }],
    ["Bitbucket's clone URL with the user's name", 'https://alice@bitbucket.org/acme/shop.git', strict, { scheme: 'https', host: 'bitbucket.org', port: 443 }],
    ['a public IPv4 literal', 'https://140.82.112.3/acme/shop.git', strict, { scheme: 'https', host: '140.82.112.3', port: 443 }],
    ['a public IPv6 literal', 'https://[2606:50c0:8000::153]/x.git', strict, { scheme: 'https', host: '2606:50c0:8000::153', port: 443 }],
    ['git daemon on loopback when allowed', 'git://127.0.0.1:9419/shop.git', local, { scheme: 'git', host: '127.0.0.1', port: 9419 }],
    ['kubernetes.default.svc when allowed', 'https://kubernetes.default.svc/x.git', local, { scheme: 'https', host: 'kubernetes.default.svc', port: 443 }],
  ])('accepts %s', (_name, url, policy, expected) => {
    expect(validateRepoUrl(url, policyOf(policy))).toEqual(expected);
  });

  test.each([
    ['file://', 'file:///etc/passwd', /scheme "file"/],
    ['ext:: transport', 'ext::sh -c touch% /tmp/pwned', /whitespace|not a URL/],
    ['option injection', '--upload-pack=touch /tmp/x', /must not start with "-"/],
    ['git:// by default', 'git://example.com/x.git', /scheme "git"/],
    ['http by default', 'http://example.com/x.git', /scheme "http"/],
    ['password in URL', 'https://user:hunter2@github.com/x.git', /credentials/],
    ['a GitHub token as the user name', 'https://ghp_16C7e42F292c6912E7710c838347Ae178B4a@github.com/x.git', /credentials/],
    ['a GitLab token as the user name', 'https://glpat-xxxxxxxxxxxxxxxxxxxx@gitlab.com/x.git', /credentials/],
    ['a fine-grained GitHub token, percent-encoded', 'https://github%5Fpat_11ABC@github.com/x.git', /credentials/],
    ['a stray percent sign in the user name', 'https://%zz:x@github.com/x.git', /credentials/],
    ['a long opaque user name', `https://${'a1B2'.repeat(10)}@git.example.com/x.git`, /credentials/],
    ['newline', 'https://github.com/x.git\n--upload-pack=x', /whitespace/],
    ['not a URL', 'github.com/acme/shop', /not a URL/],
  ])('refuses %s as invalid (400)', (_name, url, message) => {
    expect(() => validateRepoUrl(url, policyOf(strict))).toThrow(expect.objectContaining({ code: 'REPO_URL_INVALID', message: expect.stringMatching(message) }));
  });

  test.each([
    ['loopback', 'https://127.0.0.1/x.git', /loopback/],
    ['loopback, short form', 'https://127.1/x.git', /loopback/],
    ['loopback, as one number', 'https://2130706433/x.git', /loopback/],
    ['loopback, hex', 'https://0x7f.0.0.1/x.git', /loopback/],
    ['localhost', 'https://localhost:3000/x.git', /loopback/],
    ['a name under localhost', 'https://git.localhost/x.git', /internal name/],
    ['private 10/8', 'https://10.1.2.3/x.git', /private/],
    ['private 172.16/12', 'https://172.20.0.1/x.git', /private/],
    ['private 192.168/16', 'https://192.168.1.1/x.git', /private/],
    ['CGNAT 100.64/10', 'https://100.100.100.200/x.git', /carrier-grade NAT/],
    ['link-local metadata address', 'https://169.254.169.254/x', /link-local/],
    ['unspecified', 'https://0.0.0.0/x', /unspecified/],
    ['IPv6 loopback', 'https://[::1]/x.git', /loopback/],
    ['IPv4-compatible IPv6 loopback', 'https://[::7f00:1]/x.git', /IPv4-compatible/],
    ['IPv4-mapped IPv6 loopback', 'https://[::ffff:127.0.0.1]/x.git', /IPv4-mapped/],
    ['IPv4-mapped public address (refused outright)', 'https://[::ffff:8.8.8.8]/x.git', /IPv4-mapped/],
    ['unique local', 'https://[fd00:ec2::254]/x', /unique local/],
    ['IPv6 link-local', 'https://[fe80::1]/x', /link-local/],
    ['kubernetes.default.svc', 'https://kubernetes.default.svc/x.git', /internal name \(\*\.svc\)/],
    ['a cluster service', 'https://redis.slipway.svc.cluster.local/x', /internal name \(\*\.local\)/],
    ['GCP metadata over https', 'https://metadata.google.internal/computeMetadata/v1/', /internal name \(\*\.internal\)/],
    ['a single-label name', 'https://kubernetes/x.git', /single-label/],
    ['scp-like to loopback', 'git@127.0.0.1:x.git', /loopback/],
    ['scp-like to an internal name', 'git@gitlab.internal:x.git', /internal name/],
  ])('refuses %s as forbidden (422)', (_name, url, message) => {
    expect(() => validateRepoUrl(url, policyOf(strict))).toThrow(
      expect.objectContaining({ code: 'REPO_URL_FORBIDDEN', message: expect.stringMatching(message) }),
    );
  });
});

describe('forbiddenAddress', () => {
  test.each([
    ['8.8.8.8', undefined],
    ['140.82.112.3', undefined],
    ['100.63.255.255', undefined],
    ['100.128.0.1', undefined],
    ['172.15.255.255', undefined],
    ['172.32.0.1', undefined],
    ['2606:50c0:8000::153', undefined],
    ['2a00:1450:4001:80b::200e', undefined],
    // NAT64 of a public address: how an IPv6-only host reaches github.com.
    ['64:ff9b::8c52:7003', undefined],
    ['64:ff9b::140.82.112.3', undefined],
    ['0.1.2.3', /unspecified/],
    ['10.0.0.1', /private/],
    ['100.64.0.1', /carrier-grade NAT/],
    ['127.255.255.254', /loopback/],
    ['169.254.169.254', /link-local/],
    ['172.31.255.255', /private/],
    ['192.0.0.170', /IETF/],
    ['192.168.0.1', /private/],
    ['198.18.0.1', /benchmarking/],
    ['224.0.0.1', /multicast/],
    ['255.255.255.255', /reserved or broadcast/],
    ['::', /unspecified/],
    ['::1', /loopback/],
    ['0:0:0:0:0:0:0:1', /loopback/],
    ['::7f00:1', /IPv4-compatible/],
    ['::127.0.0.1', /IPv4-compatible/],
    ['::ffff:7f00:1', /IPv4-mapped/],
    ['::ffff:127.0.0.1', /IPv4-mapped/],
    ['::ffff:a9fe:a9fe', /IPv4-mapped/],
    ['::ffff:0:7f00:1', /IPv4-translated/],
    ['::ffff:0:10.0.0.1', /IPv4-translated/],
    ['64:ff9b::a9fe:a9fe', /NAT64 for 169.254.169.254 is link-local/],
    ['64:ff9b::127.0.0.1', /NAT64 for 127.0.0.1 is loopback/],
    ['64:ff9b:1::a00:1', /local-use NAT64/],
    ['2002:7f00:1::1', /6to4/],
    ['2001:0:4136:e378:8000:63bf:3fff:fdd2', /Teredo/],
    ['2001:db8::1', /documentation/],
    ['fc00::1', /unique local/],
    ['fd00:ec2::254', /unique local/],
    ['fe80::1', /link-local/],
    ['fe80::1%eth0', /link-local/],
    ['febf::1', /link-local/],
    ['fec0::1', /site-local/],
    ['ff02::1', /multicast/],
    ['[::1]', /loopback/],
    ['not-an-ip', /not an IP address/],
  ])('%s → %s', (address, expected) => {
    const why = forbiddenAddress(address);
    if (expected === undefined) expect(why).toBeUndefined();
    else expect(why).toMatch(expected);
  });
});

describe('forbiddenHostName', () => {
  test.each([
    ['github.com', undefined],
    ['gitlab.example.com', undefined],
    ['svc.example.com', undefined],
    ['169.254.169.254.nip.io', undefined], // judged by what it resolves to (checkRepoUrl)
    ['localhost', /loopback/],
    ['LOCALHOST.', /loopback/],
    ['foo.localhost', /\*\.localhost/],
    ['printer.local', /\*\.local/],
    ['kubernetes.default.svc.cluster.local', /\*\.local/],
    ['kubernetes.default.svc', /\*\.svc/],
    ['slipway-redis.slipway.svc', /\*\.svc/],
    ['metadata.google.internal', /\*\.internal/],
    ['ip-10-0-0-1.ec2.internal', /\*\.internal/],
    ['nas.home.arpa', /\*\.home\.arpa/],
    ['kubernetes', /single-label/],
    ['metadata', /single-label/],
  ])('%s → %s', (host, expected) => {
    const why = forbiddenHostName(host);
    if (expected === undefined) expect(why).toBeUndefined();
    else expect(why).toMatch(expected);
  });
});

describe('checkRepoUrl: the host resolved, every address judged', () => {
  // Fixed answers: no test sends a query anywhere, and never connects to any of these.
  const answers: Record<string, string[]> = {
    'github.com': ['140.82.112.3'],
    'dual.example.com': ['140.82.112.3', '2606:50c0:8000::153'],
    '169.254.169.254.nip.io': ['169.254.169.254'],
    'rebind.example.com': ['140.82.112.3', '127.0.0.1'],
    'v6-loopback.example.com': ['::1'],
    'mapped.example.com': ['::ffff:10.0.0.1'],
    'compat.example.com': ['::a00:1'],
    'cgnat.example.com': ['100.64.1.1'],
    'ula.example.com': ['fd12:3456::1'],
    'nat64-metadata.example.com': ['64:ff9b::169.254.169.254'],
    'empty.example.com': [],
  };
  const asked: string[] = [];
  const lookup: Lookup = async (host) => {
    asked.push(host);
    const addresses = answers[host];
    if (!addresses) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: 'ENOTFOUND' });
    return addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
  };
  const check = (url: string, policy: { allowedSchemes: readonly RepoScheme[]; allowPrivateHosts: boolean } = strict) => checkRepoUrl({ url, policy: policyOf(policy), lookup });

  beforeEach(() => {
    asked.length = 0;
  });

  test.each([
    ['https://github.com/acme/shop.git', ['140.82.112.3']],
    ['https://dual.example.com/x.git', ['140.82.112.3', '2606:50c0:8000::153']],
    ['git@github.com:acme/shop.git', ['140.82.112.3']],
  ])('accepts %s', async (url, addresses) => {
    expect((await check(url)).addresses).toEqual(addresses);
  });

  test.each([
    ['https://169.254.169.254.nip.io/x', /resolves to 169\.254\.169\.254 is link-local/],
    ['https://rebind.example.com/x.git', /127\.0\.0\.1 is loopback/],
    ['https://v6-loopback.example.com/x.git', /::1 is loopback/],
    ['https://mapped.example.com/x.git', /IPv4-mapped/],
    ['https://compat.example.com/x.git', /IPv4-compatible/],
    ['https://cgnat.example.com/x.git', /carrier-grade NAT/],
    ['https://ula.example.com/x.git', /unique local/],
    ['https://nat64-metadata.example.com/x.git', /NAT64 for 169\.254\.169\.254/],
  ])('refuses %s: any one internal address is enough', async (url, message) => {
    await expect(check(url)).rejects.toMatchObject({ code: 'REPO_URL_FORBIDDEN', message: expect.stringMatching(message) });
  });

  test.each([
    ['https://kubernetes.default.svc/x.git'],
    ['https://metadata.google.internal/x'],
    ['https://localhost/x.git'],
    ['https://[::7f00:1]/x.git'],
    ['https://[::ffff:127.0.0.1]/x.git'],
  ])('refuses %s without a lookup', async (url) => {
    await expect(check(url)).rejects.toMatchObject({ code: 'REPO_URL_FORBIDDEN' });
    expect(asked).toEqual([]);
  });

  test('a name that does not resolve is REPO_UNREACHABLE', async () => {
    await expect(check('https://nowhere.example.com/x.git')).rejects.toMatchObject({ code: 'REPO_UNREACHABLE', message: expect.stringContaining('ENOTFOUND') });
    await expect(check('https://empty.example.com/x.git')).rejects.toMatchObject({ code: 'REPO_UNREACHABLE' });
  });

  test('with private hosts allowed nothing is resolved', async () => {
    expect(await check('https://rebind.example.com/x.git', local)).toMatchObject({ host: 'rebind.example.com', addresses: [] });
    expect(asked).toEqual([]);
  });

  test('the real resolver answers for localhost from /etc/hosts: refused by name before it is asked', async () => {
    await expect(checkRepoUrl({ url: 'https://localhost/x.git', policy: policyOf(strict) })).rejects.toMatchObject({ code: 'REPO_URL_FORBIDDEN' });
  });

  test("the machine's resolver, end to end: every address localhost has (from /etc/hosts, no query leaves) is refused", async () => {
    const answers = await systemLookup('localhost');
    expect(answers.length).toBeGreaterThan(0);
    for (const { address } of answers) expect(forbiddenAddress(address)).toMatch(/loopback/);
    // The same lookup, handed in for a name that passes the name rules, refuses the URL.
    await expect(checkRepoUrl({ url: 'https://git.example.com/x.git', policy: policyOf(strict), lookup: () => systemLookup('localhost') })).rejects.toMatchObject({
      code: 'REPO_URL_FORBIDDEN',
      message: expect.stringMatching(/resolves to .*loopback/),
    });
  });
});

describe('pinnedGitConfig', () => {
  test.each([
    [
      'https pins the checked addresses for curl and follows no redirect',
      { scheme: 'https' as const, host: 'dual.example.com', port: 443, addresses: ['140.82.112.3', '2606:50c0:8000::153'] },
      ['http.followRedirects=false', 'http.curloptResolve=dual.example.com:443:140.82.112.3,[2606:50c0:8000::153]'],
    ],
    ['an IP literal needs no pin', { scheme: 'https' as const, host: '140.82.112.3', port: 443, addresses: ['140.82.112.3'] }, ['http.followRedirects=false']],
    ['ssh is not curl', { scheme: 'ssh' as const, host: 'github.com', port: 22, addresses: ['140.82.112.3'] }, ['http.followRedirects=false']],
    ['private hosts allowed: nothing resolved, nothing pinned', { scheme: 'https' as const, host: 'git.corp', port: 443, addresses: [] }, ['http.followRedirects=false']],
  ])('%s', (_name, target, expected) => {
    expect(pinnedGitConfig(target)).toEqual(expected);
  });
});
