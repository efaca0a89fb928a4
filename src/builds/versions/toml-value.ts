/**
 * One string value of a TOML section (`[requires] python_version = "3.8"`), enough for the
 * version keys of Pipfile and pyproject.toml; Slipway has no TOML parser and needs no more.
 */
export function tomlValue(params: { text: string; section: string; key: string }): string | undefined {
  const { text, section, key } = params;
  let inSection = false;
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    const header = /^\[\s*([^\]]+?)\s*\]$/.exec(line);
    if (header) {
      inSection = header[1] === section;
      continue;
    }
    if (!inSection) continue;
    const match = /^("?)([A-Za-z0-9_.-]+)\1\s*=\s*(["'])([^"']*)\3/.exec(line);
    if (match && match[2] === key) return match[4];
  }
  return undefined;
}
