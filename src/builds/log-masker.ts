/**
 * Replaces every occurrence of a secret (registry password, tokens, build secrets) before a
 * line is stored or streamed. Base64 forms are masked too: docker prints auth that way.
 */
export function createMasker(secrets: Array<string | undefined>): (line: string) => string {
  const needles = secrets
    .filter((s): s is string => typeof s === 'string' && s.length >= 4)
    .flatMap((s) => [s, Buffer.from(s).toString('base64')])
    .sort((a, b) => b.length - a.length);
  if (needles.length === 0) return (line) => line;
  return (line) => needles.reduce((out, needle) => out.split(needle).join('****'), line);
}
