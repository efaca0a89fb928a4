import type { PinReader } from './version-pin.js';
import { compareVersions, parseRange, parseVersion } from './version-range.js';

/**
 * Go: go.mod's `go` and `toolchain` lines, each a minimum (Go 1 compatibility: a newer
 * toolchain builds an older module). The higher of the two is what the build needs; it is
 * also the toolchain to fetch when no offered image is new enough, named as GOTOOLCHAIN
 * wants it (`go 1.23` means the release go1.23.0 since Go 1.21).
 */
export const goPin: PinReader = {
  files: ['go.mod'],
  read: (texts) => {
    const text = texts['go.mod'];
    const go = text && /^go\s+(\S+)\s*(?:\/\/.*)?$/m.exec(text)?.[1];
    const toolchain = text && /^toolchain\s+go(\S+)\s*(?:\/\/.*)?$/m.exec(text)?.[1];
    const candidates = [
      ...(toolchain && parseVersion(toolchain) ? [{ text: `toolchain go${toolchain}`, name: toolchain, version: parseVersion(toolchain)! }] : []),
      ...(go && parseVersion(go) ? [{ text: `go ${go}`, name: releaseName(go), version: parseVersion(go)! }] : []),
    ];
    if (!candidates.length) return go || toolchain ? { source: 'go.mod', text: go ? `go ${go}` : `toolchain go${toolchain}` } : undefined;
    const needed = candidates.sort((a, b) => compareVersions(b.version, a.version))[0];
    return { source: 'go.mod', text: needed.text, range: parseRange(`>=${needed.version.join('.')}`, 'npm'), toolchain: needed.name };
  },
};

/** `1.23` → `1.23.0` from Go 1.21 on (its first release is go1.21.0); older and pre-release names as written. */
export function releaseName(version: string): string {
  const match = /^1\.(\d+)$/.exec(version);
  return match && Number(match[1]) >= 21 ? `${version}.0` : version;
}
