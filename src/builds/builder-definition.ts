import type { BuilderImages } from '../config.js';

/** The images one runtime version builds on and runs on. */
export interface VersionImages {
  builder: string;
  runtime: string;
}

/** builder.json `versions`: the runtime versions a builder offers, each with its images. */
export interface BuilderVersions {
  /** The runtime the versions are of, which names the pin reader (src/builds/versions/pin-readers.ts): `node`, `python`. */
  of: string;
  /** Offered version → its images. A version is a release line (`20`, `3.11`), matched by pins in that line. */
  images: Record<string, VersionImages>;
  /** The version of an app with no pin. */
  default: string;
  /**
   * How the builder's own toolchain fetches a release newer than any offered (go: GOTOOLCHAIN
   * set to `go{version}`, from the Go module proxy). With it, a pin above every offered
   * version builds on the default images with that toolchain, and any pin is a minimum (a
   * newer toolchain builds older code).
   */
  newerToolchain?: { env: string; value: string; from: string };
}

/** A builder as defined by builders/<name>/builder.json. */
export interface BuilderDefinition {
  name: string;
  description: string;
  /** Marker files at the context's top level; lower `order` is tried first. */
  detect: { files: string[]; order?: number };
  versions: BuilderVersions;
  /** The default version's images (derived from `versions` when loaded). */
  images: VersionImages;
  /** Public image → Dockerfile (in the builder's folder) that builds its local stand-in. */
  localImages: Record<string, string>;
  port: number;
  dir: string;
  template: string;
}

/** Stand-ins for public images are tagged `slipway-local/<public name>` by test/env/images.sh. */
export const LOCAL_IMAGE_PREFIX = 'slipway-local/';

/** The image a build uses: the public one, or its local stand-in when configured. */
export function resolveImage(image: string, mode: BuilderImages): string {
  return mode === 'local' ? `${LOCAL_IMAGE_PREFIX}${image}` : image;
}
