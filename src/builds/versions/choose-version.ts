import { SlipwayError } from '../../errors.js';
import type { BuilderVersions, VersionImages } from '../builder-definition.js';
import { releaseName } from './go-pin.js';
import type { VersionPin } from './version-pin.js';
import { compareVersions, lowestVersion, parseRange, rangeAdmitsLine, type VersionRange } from './version-range.js';

export interface VersionChoice {
  /** The offered version built on (`18`, `3.11`). */
  version: string;
  images: VersionImages;
  /** Build-stage environment the choice needs (go: `GOTOOLCHAIN=go1.23.4`). */
  env: Record<string, string>;
  /** For the build's recorded reasons: `version: node 18 (engines.node in package.json "^18")`. */
  reason: string;
}

/**
 * The runtime version a build uses, in this order: the version pinned on the app with its
 * builder (`python:3.11`), the repo's own pin, the builder's default. A pin admits the offered
 * versions in its range and the highest of them is taken; when it admits none, the build
 * fails with BUILD_VERSION_UNAVAILABLE naming what is offered, unless the builder's toolchain
 * can fetch a newer release itself (go).
 */
export function chooseVersion(params: {
  builder: string;
  versions: BuilderVersions;
  /** The version in the app's `builder` (`3.11` of `python:3.11`). */
  appVersion?: string;
  /** The repo's pin, from src/builds/versions/pin-readers.ts. */
  pin?: VersionPin;
}): VersionChoice {
  const { builder, versions, appVersion, pin } = params;
  const of = versions.of;
  if (appVersion) {
    const unused = pin ? `; ${pin.source} "${pin.text}" not used` : '';
    // A bare version is its release line (`18` → 18.x); with a toolchain that fetches newer releases, a minimum.
    const range = parseRange(versions.newerToolchain ? `>=${appVersion}` : appVersion, 'npm')!;
    return pick({
      versions,
      range,
      requested: { text: appVersion, source: `builder "${builder}:${appVersion}" pinned on the app`, toolchain: releaseName(appVersion) },
      because: (chosen) => `version: ${of} ${chosen} (builder "${builder}:${appVersion}" pinned on the app${unused})`,
    });
  }
  if (pin?.range) {
    const range = pin.range;
    return pick({
      versions,
      range,
      requested: pin,
      because: (chosen) => `version: ${of} ${chosen} (${pin.source} "${pin.text}")`,
    });
  }
  const why = pin ? `${pin.source} "${pin.text}" is not a version Slipway reads` : 'no pin';
  return { version: versions.default, images: versions.images[versions.default], env: {}, reason: `version: ${of} ${versions.default} (default; ${why})` };
}

function pick(params: {
  versions: BuilderVersions;
  range: VersionRange;
  requested: { text: string; source: string; toolchain?: string };
  because: (chosen: string) => string;
}): VersionChoice {
  const { versions, range, requested, because } = params;
  const offered = offeredVersions(versions);
  const admitted = offered.filter((v) => rangeAdmitsLine(range, v));
  const chosen = admitted[admitted.length - 1];
  if (chosen) return { version: chosen, images: versions.images[chosen], env: {}, reason: because(chosen) };
  const lowest = lowestVersion(range);
  const newest = offered[offered.length - 1];
  if (versions.newerToolchain && requested.toolchain && lowest && compareVersions(lowest, newest.split('.').map(Number)) > 0) {
    const images = versions.images[versions.default];
    const { env, value, from } = versions.newerToolchain;
    const toolchain = value.replace('{version}', requested.toolchain);
    return {
      version: versions.default,
      images,
      env: { [env]: toolchain },
      reason: `${because(requested.toolchain)}: ${env}=${toolchain}, fetched from ${from}, on ${images.builder}`,
    };
  }
  // `python-3.8.10` (runtime.txt), `ruby-3.2.2` (.ruby-version): the version, without the runtime's name again.
  const shown = requested.text.replace(/^[a-z]+-(?=\d)/, '');
  throw new SlipwayError('BUILD_VERSION_UNAVAILABLE', `${versions.of} ${shown} (from ${requested.source}) is not available; available: ${offered.join(', ')}`, {
    runtime: versions.of,
    requested: requested.text,
    source: requested.source,
    available: offered,
  });
}

/** Offered versions, lowest first. */
function offeredVersions(versions: BuilderVersions): string[] {
  return Object.keys(versions.images).sort((a, b) => compareVersions(a.split('.').map(Number), b.split('.').map(Number)));
}
