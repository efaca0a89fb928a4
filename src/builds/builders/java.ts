import { SlipwayError } from '../../errors.js';
import { failureEcho } from '../builder-failure.js';
import { execForm } from '../dockerfile-template.js';
import type { BuilderPlan, PlanInput } from '../plan.js';
import { readS2iOverrides } from '../s2i-overrides.js';
import { jarKind, pomModules, safeModulePath, type JarKind } from './maven-project.js';

/** Maven's local repository and Gradle's home, outside /app and outside any VOLUME an image may declare. */
const REPO = '-Dmaven.repo.local=/opt/m2';
const GRADLE_HOME = '/opt/gradle';
const WRAPPER_PROPERTIES = 'gradle/wrapper/gradle-wrapper.properties';

/** Where the runnable output is, and why that one. */
interface Artifact {
  /** The folder the build leaves it in, relative to the context dir (`target`, `api/target`). */
  dir: string;
  kind: JarKind;
  why: string;
}

/**
 * How to build a Java app. Maven (pom.xml): the poms alone first with `dependency:go-offline`
 * (the Maven Wrapper when the project has one), then `package -DskipTests` from the root, as
 * OpenShift's Java S2I does. The runnable output: `ARTIFACT_DIR` from .s2i/environment (OpenShift's
 * variable) when set; in a multi-module project the one module whose pom makes a runnable jar
 * (see jarKind), else target/. Quarkus's fast-jar is its whole `quarkus-app` folder; any other
 * is the one jar there that is not -sources, -javadoc, -tests, -plain or a shade/Boot `original-`.
 * Gradle (build.gradle[.kts]) only through its wrapper, which downloads Gradle itself.
 */
export async function planJava(input: PlanInput): Promise<BuilderPlan> {
  return input.files.includes('pom.xml') ? planMaven(input) : planGradle(input);
}

async function planMaven(input: PlanInput): Promise<BuilderPlan> {
  const pom = (await input.read('pom.xml')) ?? '';
  const modules = pomModules(pom);
  const unsafe = modules.find((m) => !safeModulePath(m));
  if (unsafe) throw new SlipwayError('BUILD_REPO_INVALID', `pom.xml lists module "${unsafe}", which is not a path inside the project`);
  const artifact = await mavenArtifact(input, { pom, modules });
  const wrapper = input.files.includes('mvnw') && input.files.includes('.mvn');
  const mvn = `${wrapper ? './mvnw' : 'mvn'} -B -ntp ${REPO}`;
  const modulePoms = modules.map((m) => `COPY ${m}/pom.xml ${m}/`);
  // go-offline is a prefetch for the dependency layer, and it asks for more than a build needs:
  // in a reactor the sibling modules' own jars (they exist only once `package` made them), and
  // every plugin's dependencies, optional ones included (the corpus's Quarkus app asked for
  // mutiny-kotlin, which the build never uses). One that stops short is finished by `package`,
  // which fails, loudly, only on what the build really needs.
  const goOffline = `RUN ${mvn} dependency:go-offline || echo "Slipway: dependency:go-offline stopped short; mvn package downloads what the build needs"`;
  const start = artifact.kind === 'quarkus' ? '/app/quarkus-app/quarkus-run.jar' : '/app/app.jar';
  return {
    values: {
      installSteps: [wrapper ? 'COPY pom.xml mvnw ./\nCOPY .mvn .mvn' : 'COPY pom.xml ./', ...modulePoms, goOffline].join('\n'),
      buildSteps: `RUN set -e; ${mvn} package -DskipTests; \\\n    ${collect(artifact).join('; \\\n    ')}`,
      startCommand: execForm(['java', '-jar', start]),
    },
    reasons: [
      `install: ${wrapper ? './mvnw (Maven Wrapper found)' : 'mvn'} dependency:go-offline with ${modules.length ? `the poms of the project and its modules (${modules.join(', ')})` : 'pom.xml alone'}`,
      `build: mvn package -DskipTests${modules.length ? ' from the root' : ''}, ${artifact.kind === 'quarkus' ? `${artifact.dir}/quarkus-app (Quarkus fast-jar)` : `the runnable jar from ${artifact.dir}/`} (${artifact.why})`,
      `start: java -jar ${start}`,
    ],
  };
}

/** Which folder holds the runnable output: ARTIFACT_DIR, the one runnable module, or target/. */
async function mavenArtifact(input: PlanInput, params: { pom: string; modules: string[] }): Promise<Artifact> {
  const { pom, modules } = params;
  const overrides = await readS2iOverrides(input);
  const chosen = (overrides.buildEnv.ARTIFACT_DIR ?? overrides.runtimeEnv.ARTIFACT_DIR)?.replace(/\/+$/, '');
  const kinds = await Promise.all(modules.map(async (m) => ({ module: m, kind: jarKind((await input.read(`${m}/pom.xml`)) ?? '') })));
  if (chosen !== undefined) {
    if (!safeModulePath(chosen)) throw new SlipwayError('BUILD_S2I_INVALID', `ARTIFACT_DIR "${chosen}" is not a folder inside the project`);
    const module = kinds.find((k) => `${k.module}/target` === chosen);
    return { dir: chosen, kind: module?.kind ?? (chosen === 'target' ? jarKind(pom) : 'main-class'), why: 'ARTIFACT_DIR in .s2i/environment' };
  }
  if (!modules.length) return { dir: 'target', kind: jarKind(pom), why: 'pom.xml' };
  const runnable = kinds.filter((k) => k.kind !== 'library');
  if (runnable.length === 1) return { dir: `${runnable[0]!.module}/target`, kind: runnable[0]!.kind, why: `module ${runnable[0]!.module} is the only runnable one: ${runnable[0]!.kind}` };
  const choose = 'set ARTIFACT_DIR=<module>/target in .s2i/environment, as for OpenShift\'s Java S2I';
  throw new SlipwayError(
    'BUILD_STRATEGY_UNKNOWN',
    runnable.length
      ? `several modules make a runnable jar (${runnable.map((k) => `${k.module}: ${k.kind}`).join(', ')}): ${choose}`
      : `no module of ${modules.join(', ')} makes a runnable jar (spring-boot-, quarkus- or micronaut-maven-plugin, or a <mainClass>): ${choose}`,
  );
}

/** Shell commands that put the runnable output in /out (the runtime copies /out to /app). */
function collect(artifact: Artifact, extraExcludes: string[] = []): string[] {
  const { dir } = artifact;
  if (artifact.kind === 'quarkus') {
    return [
      `[ -f ${dir}/quarkus-app/quarkus-run.jar ] || { ${failureEcho('BUILD_OUTPUT_NOT_RUNNABLE', `no ${dir}/quarkus-app/quarkus-run.jar: Slipway runs Quarkus's default fast-jar, not an uber-jar or a native build`)}; exit 1; }`,
      `cp -a ${dir}/quarkus-app /out/quarkus-app`,
    ];
  }
  const excludes = ['*-sources.jar', '*-javadoc.jar', '*-tests.jar', 'original-*', ...extraExcludes].map((p) => `! -name '${p}'`).join(' ');
  return [
    `jars=$(find ${dir} -maxdepth 1 -name '*.jar' ${excludes} 2>/dev/null | sort)`,
    `[ "$(printf '%s\\n' "$jars" | grep -c .)" = 1 ] || { ${failureEcho('BUILD_OUTPUT_NOT_RUNNABLE', `expected one runnable jar in ${dir}/, found: $(echo \${jars:-none})`)}; exit 1; }`,
    'cp "$jars" /out/app.jar',
  ];
}

/**
 * Gradle through its wrapper only: the builder image has Maven, and `./gradlew` downloads the
 * Gradle distribution its properties name. Whether that download works depends on the build's
 * network (a mirror, a proxy, no egress), which the planner cannot know, so a wrapper that
 * cannot fetch it fails at build time, naming the URL; no wrapper at all fails here.
 */
async function planGradle(input: PlanInput): Promise<BuilderPlan> {
  const buildFile = ['build.gradle.kts', 'build.gradle'].find((f) => input.files.includes(f)) ?? 'build.gradle';
  const properties = await input.read(WRAPPER_PROPERTIES);
  if (!input.files.includes('gradlew') || properties === undefined) {
    throw new SlipwayError(
      'BUILD_TOOL_UNAVAILABLE',
      `${buildFile} without the Gradle Wrapper (gradlew and ${WRAPPER_PROPERTIES}): the java builder has Maven, not Gradle; commit the wrapper (\`gradle wrapper\`)`,
    );
  }
  const url = distributionUrl(properties);
  const wanted = url ? `the Gradle distribution ${url}` : `the Gradle distribution named in ${WRAPPER_PROPERTIES}`;
  const fetched = `ls ${GRADLE_HOME}/wrapper/dists/*/*/*/bin/gradle >/dev/null 2>&1`;
  const probe = url ? reachable(url) : undefined;
  const unreachable = probe
    ? `${probe.command} || { ${failureEcho('BUILD_TOOL_UNAVAILABLE', `gradlew needs ${wanted} (distributionUrl in ${WRAPPER_PROPERTIES}), and the build has no connection to ${probe.where} within ${PROBE_SECONDS} s: make it reachable from the build network, or point distributionUrl at a mirror that is`)}; exit 1; }; `
    : '';
  // Fetched and still failing is the wrapper's own failure, shown whole; not fetched, the reason is the download.
  const download = [
    `RUN ${unreachable}chmod +x gradlew; ./gradlew --no-daemon --version >/tmp/gradlew.log 2>&1 && cat /tmp/gradlew.log || { `,
    `${fetched} && { cat /tmp/gradlew.log >&2; exit 1; }; head -n 3 /tmp/gradlew.log >&2; `,
    `${failureEcho('BUILD_TOOL_UNAVAILABLE', `gradlew needs ${wanted} (distributionUrl in ${WRAPPER_PROPERTIES}), which the build could not download: make it reachable from the build network, or point distributionUrl at a mirror that is`)}; exit 1; }`,
  ].join('');
  const artifact: Artifact = { dir: 'build/libs', kind: 'main-class', why: buildFile };
  return {
    values: {
      installSteps: [`ENV GRADLE_USER_HOME=${GRADLE_HOME}`, 'COPY gradlew ./', 'COPY gradle gradle', download].join('\n'),
      buildSteps: `RUN set -e; ./gradlew --no-daemon build -x test; \\\n    ${collect(artifact, ['*-plain.jar']).join('; \\\n    ')}`,
      startCommand: execForm(['java', '-jar', '/app/app.jar']),
    },
    reasons: [
      `install: ./gradlew downloads ${url ?? 'its Gradle distribution'} (Gradle Wrapper found)`,
      `build: ./gradlew build -x test, the runnable jar from build/libs/ (${buildFile})`,
      'start: java -jar /app/app.jar',
    ],
  };
}

/**
 * Seconds the build waits for a TCP connection to the distribution's host before it says the
 * host is unreachable. Gradle's own wrapper (8.x) retries ten times with a doubling back-off,
 * about 8.5 minutes, before it says so (seen in the corpus on a network with no route there).
 */
const PROBE_SECONDS = 20;

/**
 * A shell test that a TCP connection to the URL's host opens within PROBE_SECONDS; always true
 * behind a proxy (`https_proxy` and friends), where only the wrapper knows the way.
 */
export function reachable(url: string): { command: string; where: string } | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return undefined;
  }
  const port = parsed.port || (parsed.protocol === 'https:' ? '443' : parsed.protocol === 'http:' ? '80' : '');
  if (!port || !/^[A-Za-z0-9.-]+$/.test(parsed.hostname)) return undefined;
  const where = `${parsed.hostname}:${port}`;
  const proxied = '[ -n "$https_proxy$HTTPS_PROXY$http_proxy$HTTP_PROXY" ]';
  return { command: `{ ${proxied} || timeout ${PROBE_SECONDS} bash -c 'exec 3<>/dev/tcp/${parsed.hostname}/${port}' 2>/dev/null; }`, where };
}

/** The wrapper's distributionUrl (`https\://...` unescaped), when it is a plain URL safe to quote in a shell word. */
export function distributionUrl(properties: string): string | undefined {
  const raw = /^\s*distributionUrl\s*[=:]\s*(\S+)\s*$/m.exec(properties)?.[1]?.replace(/\\(.)/g, '$1');
  return raw && /^https?:\/\/[A-Za-z0-9._~:/%+-]+$/.test(raw) ? raw : undefined;
}
