import { validateRepoUrl } from '../../src/git/repo-url.js';

const strict = { allowedSchemes: ['https', 'ssh'] as const, allowPrivateHosts: false };
const local = { allowedSchemes: ['https', 'ssh', 'git'] as const, allowPrivateHosts: true };

describe('validateRepoUrl', () => {
  test.each([
    ['https', 'https://github.com/acme/shop.git', strict, { scheme: 'https', host: 'github.com' }],
    ['ssh URL', 'ssh://git@gitlab.com/acme/shop.git', strict, { scheme: 'ssh', host: 'gitlab.com' }],
    ['scp-like ssh', 'git@github.com:acme/shop.git', strict, { scheme: 'ssh', host: 'github.com' }],
    ['git daemon on loopback when allowed', 'git://127.0.0.1:9419/shop.git', local, { scheme: 'git', host: '127.0.0.1' }],
  ])('accepts %s', (_name, url, policy, expected) => {
    expect(validateRepoUrl(url, { ...policy, allowedSchemes: [...policy.allowedSchemes] })).toEqual(expected);
  });

  test.each([
    ['file://', 'file:///etc/passwd', strict, /scheme "file"/],
    ['ext:: transport', 'ext::sh -c touch% /tmp/pwned', strict, /whitespace|not a URL/],
    ['option injection', '--upload-pack=touch /tmp/x', strict, /must not start with "-"/],
    ['git:// by default', 'git://example.com/x.git', strict, /scheme "git"/],
    ['http by default', 'http://example.com/x.git', strict, /scheme "http"/],
    ['loopback', 'https://127.0.0.1/x.git', strict, /loopback or private/],
    ['localhost', 'https://localhost:3000/x.git', strict, /loopback or private/],
    ['private 10/8', 'https://10.1.2.3/x.git', strict, /loopback or private/],
    ['private 172.16/12', 'https://172.20.0.1/x.git', strict, /loopback or private/],
    ['private 192.168/16', 'https://192.168.1.1/x.git', strict, /loopback or private/],
    ['link-local metadata address', 'https://169.254.169.254/x', strict, /loopback or private/],
    ['IPv6 loopback', 'https://[::1]/x.git', strict, /loopback or private/],
    ['scp-like to loopback', 'git@127.0.0.1:x.git', strict, /loopback or private/],
    ['password in URL', 'https://user:hunter2@github.com/x.git', strict, /credentials/],
    ['newline', 'https://github.com/x.git\n--upload-pack=x', strict, /whitespace/],
    ['not a URL', 'github.com/acme/shop', strict, /not a URL/],
  ])('refuses %s', (_name, url, policy, message) => {
    expect(() => validateRepoUrl(url, { ...policy, allowedSchemes: [...policy.allowedSchemes] })).toThrow(
      expect.objectContaining({ code: 'REPO_URL_INVALID', message: expect.stringMatching(message) }),
    );
  });
});
