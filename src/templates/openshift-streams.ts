// The image streams every OpenShift cluster has in its `openshift` namespace (the Samples
// Operator's), as Slipway resolves them: a template's `postgresql:12-el8` or `nodejs:22-ubi9`
// names one of them, and on Kubernetes nothing imports it. Databases and runtimes resolve to
// images with the same environment contract as the sclorg images the streams track
// (POSTGRESQL_USER/_PASSWORD/_DATABASE, data in /var/lib/pgsql/data, ...); a language stream used
// as a BuildConfig's builder picks the Slipway builder and version instead. Pure.

import type { OpenShiftImages } from '../config.js';

export type { OpenShiftImages, StreamImage } from '../config.js';

/**
 * The default map: images anyone can pull (quay.io/sclorg's CentOS Stream builds of the
 * databases, Red Hat's UBI runtimes) that the `openshift` namespace's streams track on a real
 * cluster. Overridden, entry by entry, by SLIPWAY_OPENSHIFT_IMAGES (docs/templates-and-databases.md).
 */
export const DEFAULT_OPENSHIFT_IMAGES: OpenShiftImages = {
  postgresql: { image: 'quay.io/sclorg/postgresql-15-c9s', version: '15' },
  mysql: { image: 'quay.io/sclorg/mysql-80-c9s', version: '8.0' },
  mariadb: { image: 'quay.io/sclorg/mariadb-1011-c9s', version: '10.11' },
  // sclorg no longer builds MongoDB; this is the last image with the MONGODB_* contract.
  mongodb: { image: 'quay.io/centos7/mongodb-36-centos7', version: '3.6' },
  redis: { image: 'quay.io/sclorg/redis-7-c9s', version: '7' },
  nodejs: { image: 'registry.access.redhat.com/ubi9/nodejs-20', version: '20' },
  python: { image: 'registry.access.redhat.com/ubi9/python-312', version: '3.12' },
  ruby: { image: 'registry.access.redhat.com/ubi9/ruby-33', version: '3.3' },
  php: { image: 'registry.access.redhat.com/ubi9/php-82', version: '8.2' },
  perl: { image: 'registry.access.redhat.com/ubi9/perl-532', version: '5.32' },
  httpd: { image: 'registry.access.redhat.com/ubi9/httpd-24', version: '2.4' },
  nginx: { image: 'registry.access.redhat.com/ubi9/nginx-124', version: '1.24' },
  golang: { image: 'registry.access.redhat.com/ubi9/go-toolset', version: '1.22' },
  java: { image: 'registry.access.redhat.com/ubi9/openjdk-17', version: '17' },
  openjdk: { image: 'registry.access.redhat.com/ubi9/openjdk-17', version: '17' },
  dotnet: { image: 'registry.access.redhat.com/ubi8/dotnet-80', version: '8.0' },
};

/** The map translation uses: the install's entries (SLIPWAY_OPENSHIFT_IMAGES) over the defaults. */
export function imageMap(overrides: OpenShiftImages = {}): OpenShiftImages {
  return { ...DEFAULT_OPENSHIFT_IMAGES, ...overrides };
}

/** `ubi8-openjdk-17`, `ubi9-openjdk-21-runtime`: the Java streams that carry their version in the name. */
const OPENJDK_STREAM = /^ubi\d+-openjdk-(\d+)(?:-runtime)?$/;
/** OS and flavour suffixes of the streams' tags: `-ubi8`, `-el8`, `-el7`, `-rhel9`, `-c9s`, `-minimal...`. */
const TAG_SUFFIX = /-(?:minimal\b.*|(?:ubi|el|rhel|centos|c)\d+s?(?:-.*)?)$/;
const VERSION = /^\d+(?:\.\d+)*$/;

/** The runtime version a stream's tag names (`12-el8` → `12`, `3.8-ubi8` → `3.8`); none for `latest` and tags without one. */
export function tagVersion(tag: string): string | undefined {
  const bare = tag.replace(TAG_SUFFIX, '').replace(/^openjdk-/, '');
  return VERSION.test(bare) ? bare : undefined;
}

/** The image the map gives `stream:tag`, and a note when it is not the version the tag asks for. */
export function streamImage(params: { images: OpenShiftImages; stream: string; tag: string }): { image: string; note?: string } | undefined {
  const { images, stream, tag } = params;
  const version = tagVersion(tag);
  const key = [`${stream}:${tag}`, ...(version ? [`${stream}:${version}`] : []), stream].find((k) => Object.hasOwn(images, k));
  if (!key) return undefined;
  const entry = images[key]!;
  if (!version || key !== stream) return { image: entry.image };
  if (entry.version === version) return { image: entry.image };
  const carries = entry.version ? `version ${entry.version}` : 'a version the map does not state';
  return { image: entry.image, note: `${stream}:${tag} asks for version ${version}; deploying ${entry.image} (${carries}): set SLIPWAY_OPENSHIFT_IMAGES "${stream}:${version}" to deploy ${version}` };
}

/** Slipway's builders for the language streams; `null`: the stream has no Slipway builder. */
const STREAM_BUILDERS = new Map<string, string | null>(Object.entries({
  nodejs: 'nodejs', python: 'python', ruby: 'ruby', php: 'php', golang: 'go', 'go-toolset': 'go', java: 'java', openjdk: 'java',
  httpd: 'static', nginx: 'static', perl: null, dotnet: null,
}));
/** Builders whose version is the web server's, not a runtime Slipway pins. */
const UNVERSIONED = new Set(['static']);

export type BuilderPick = { builder: string; note?: string } | { unsupported: string } | undefined;

/**
 * The Slipway builder (`name` or `name:version`) for a BuildConfig's builder stream `stream:tag`,
 * as OpenShift's `python:3.8-ubi8` → `python:3.8`; undefined when the stream is not a language one.
 */
export function streamBuilder(stream: string, tag: string): BuilderPick {
  const openjdk = OPENJDK_STREAM.exec(stream);
  if (openjdk) return { builder: `java:${openjdk[1]}` };
  if (!STREAM_BUILDERS.has(stream)) return undefined;
  const builder = STREAM_BUILDERS.get(stream);
  if (!builder) return { unsupported: `builder image stream ${stream}:${tag} has no Slipway builder (nodejs, python, ruby, php, go, java and static do)` };
  const version = tagVersion(tag);
  if (UNVERSIONED.has(builder)) {
    return { builder, ...(version ? { note: `${stream}:${tag} → builder ${builder}: Slipway serves with nginx, the ${stream} version is not carried` } : {}) };
  }
  return { builder: version ? `${builder}:${version}` : builder };
}
