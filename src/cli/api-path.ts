import { CliError } from './client-error.js';

declare const apiPathBrand: unique symbol;

/** A path on the Slipway API made by `apiPath`: the client takes nothing else. */
export type ApiPath = string & { readonly [apiPathBrand]: true };

/**
 * `apiPath\`/apps/${name}/builds\``: every interpolated value becomes exactly one path segment,
 * encoded with encodeURIComponent, so a name can never add a segment, a query or a fragment
 * (`slipway delete 'x?volumes=delete'` asks for the app literally named that). `.`, `..` and
 * the empty string are refused: URL parsers resolve them (also as `%2e%2e`) into another path.
 */
export function apiPath(strings: TemplateStringsArray, ...values: Array<string | number>): ApiPath {
  let out = strings[0]!;
  values.forEach((value, i) => {
    out += segment(String(value)) + strings[i + 1]!;
  });
  return out as ApiPath;
}

/** `path?key=value&...`, each key and value encoded; undefined values are left out. */
export function withQuery(path: ApiPath, query: Record<string, string | undefined>): ApiPath {
  const pairs = Object.entries(query).filter((pair): pair is [string, string] => pair[1] !== undefined);
  if (pairs.length === 0) return path;
  return `${path}?${pairs.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join('&')}` as ApiPath;
}

function segment(value: string): string {
  if (value === '' || value === '.' || value === '..') throw new CliError(`"${value}" is not a name Slipway knows`);
  return encodeURIComponent(value);
}
