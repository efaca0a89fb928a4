/** What a pom says about how its jar runs. */
export type JarKind = 'spring-boot' | 'quarkus' | 'micronaut' | 'main-class' | 'library';

/** A pom's text without comments and `<pluginManagement>` (plugins offered to children are not used by this pom). */
function usedXml(pom: string): string {
  return pom.replace(/<!--[\s\S]*?-->/g, '').replace(/<pluginManagement>[\s\S]*?<\/pluginManagement>/g, '');
}

/** The `<module>` entries of a pom's `<modules>`, in order; empty for a single-module project. */
export function pomModules(pom: string): string[] {
  const block = /<modules>([\s\S]*?)<\/modules>/.exec(usedXml(pom))?.[1] ?? '';
  return [...block.matchAll(/<module>\s*([^<]+?)\s*<\/module>/g)].map((m) => m[1]!);
}

/**
 * How a pom's jar runs: a framework plugin that makes a runnable artifact (Spring Boot's
 * repackage, Quarkus's fast-jar, Micronaut's shaded jar), else a `<mainClass>` (maven-jar-plugin's
 * manifest, shade's transformer), else a library. `pom` packaging is never runnable.
 */
export function jarKind(pom: string): JarKind {
  const xml = usedXml(pom);
  if (/<packaging>\s*pom\s*<\/packaging>/.test(xml)) return 'library';
  if (/<artifactId>\s*spring-boot-maven-plugin\s*<\/artifactId>/.test(xml)) return 'spring-boot';
  if (/<artifactId>\s*quarkus-maven-plugin\s*<\/artifactId>/.test(xml)) return 'quarkus';
  if (/<artifactId>\s*micronaut-maven-plugin\s*<\/artifactId>/.test(xml)) return 'micronaut';
  if (/<mainClass>\s*[\w.$]+\s*<\/mainClass>/.test(xml)) return 'main-class';
  return 'library';
}

/** A module path safe to become a Dockerfile COPY source and a shell word: relative, no `..`. */
export function safeModulePath(path: string): boolean {
  return /^[A-Za-z0-9_.][A-Za-z0-9_./-]*$/.test(path) && !path.split('/').includes('..') && !path.startsWith('/');
}
