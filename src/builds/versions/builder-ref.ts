/**
 * A builder as an app names it: `python`, or with a version, `python:3.11`, as in OpenShift's
 * `oc new-app python:3.11~<repo>` and a BuildConfig's builder ImageStreamTag (the templates
 * translation strips `-ubi8`-style suffixes before it gets here).
 */
export interface BuilderRef {
  name: string;
  version?: string;
}

const REF = /^([a-z0-9-]+)(?::(\d+(?:\.\d+){0,2}))?$/;

/** The builder name and version of a reference; undefined when it is neither `name` nor `name:1.2.3`. */
export function parseBuilderRef(ref: string): BuilderRef | undefined {
  const match = REF.exec(ref);
  if (!match) return undefined;
  return { name: match[1], ...(match[2] ? { version: match[2] } : {}) };
}
