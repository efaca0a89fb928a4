import { apiPath, withQuery } from '../../src/cli/api-path.js';
import { CliError } from '../../src/cli/client.js';

// The CLI's URL building: whatever a name holds, it is one path segment of the URL the client asks for.
const resolved = (path: string) => {
  const url = new URL(path, 'http://127.0.0.1:8080');
  return { pathname: url.pathname, search: url.search, hash: url.hash };
};

describe('apiPath: every name is exactly one encoded segment', () => {
  test.each<[string, string, string]>([
    ['a plain name', 'shop', '/apps/shop'],
    ['a query in a name', 'x?volumes=delete', '/apps/x%3Fvolumes%3Ddelete'],
    ['a fragment in a name', 'x#frag', '/apps/x%23frag'],
    ['a slash in a name', 'a/../../builds', '/apps/a%2F..%2F..%2Fbuilds'],
    ['a backslash', 'a\\b', '/apps/a%5Cb'],
    ['an encoded slash, encoded again', 'a%2Fb', '/apps/a%252Fb'],
    ['spaces and unicode', 'my app é', '/apps/my%20app%20%C3%A9'],
    ['an ampersand and an equals sign', 'a&b=c', '/apps/a%26b%3Dc'],
    ['dots inside a name are fine', 'a..b', '/apps/a..b'],
    ['a newline', 'a\nb', '/apps/a%0Ab'],
  ])('%s', (_name, name, expected) => {
    const path = apiPath`/apps/${name}`;
    expect(path).toBe(expected);
    // A URL parser keeps it as one segment of /apps: no query, no fragment, no other route.
    expect(resolved(path)).toEqual({ pathname: expected, search: '', hash: '' });
  });

  test.each([['', 'empty'], ['.', 'dot'], ['..', 'dot-dot']])('"%s" (%s) is refused: a URL parser would resolve it into another path', (name) => {
    expect(() => apiPath`/apps/${name}/builds`).toThrow(CliError);
  });

  test('several segments, numbers too', () => {
    expect(apiPath`/apps/${'a b'}/volumes/${'c?d'}`).toBe('/apps/a%20b/volumes/c%3Fd');
    expect(apiPath`/builds/${'shop-1'}/logs`).toBe('/builds/shop-1/logs');
    expect(apiPath`/apps/${'x'}/releases/${3}`).toBe('/apps/x/releases/3');
    expect(apiPath`/apps`).toBe('/apps');
  });
});

describe('withQuery', () => {
  test.each<[Record<string, string | undefined>, string]>([
    [{}, '/apps/x'],
    [{ volumes: undefined }, '/apps/x'],
    [{ volumes: 'delete' }, '/apps/x?volumes=delete'],
    [{ a: 'b&c=d' }, '/apps/x?a=b%26c%3Dd'],
  ])('%j', (query, expected) => {
    expect(withQuery(apiPath`/apps/${'x'}`, query)).toBe(expected);
  });

  test('a name cannot add a query of its own', () => {
    const path = withQuery(apiPath`/apps/${'x?volumes=delete'}`, {});
    expect(new URL(path, 'http://127.0.0.1').searchParams.get('volumes')).toBeNull();
  });
});
