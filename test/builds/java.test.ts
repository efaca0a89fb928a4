import { execFile } from 'node:child_process';
import { once } from 'node:events';
import net from 'node:net';
import { distributionUrl, reachable } from '../../src/builds/builders/java.js';
import { jarKind, pomModules } from '../../src/builds/builders/maven-project.js';
import { checkoutReader } from '../../src/builds/checkout-reader.js';
import { PLANNERS } from '../../src/builds/planners.js';
import { DEFAULT_REPO_FILE_LIMIT, RepoFiles } from '../../src/builds/repo-files.js';
import { contextDir } from '../helpers/context-dir.js';

async function plan(files: Record<string, string>) {
  const ctx = await contextDir(files);
  return PLANNERS.java!(checkoutReader({ repo: await RepoFiles.open({ root: ctx.dir, limit: DEFAULT_REPO_FILE_LIMIT }), contextDir: '.', files: ctx.files }));
}

const parent = (modules: string[]) => `<project><packaging>pom</packaging><modules>${modules.map((m) => `<module>${m}</module>`).join('')}</modules></project>`;
const boot = '<project><build><plugins><plugin><artifactId>spring-boot-maven-plugin</artifactId></plugin></plugins></build></project>';
const quarkus = '<project><build><plugins><plugin><artifactId>quarkus-maven-plugin</artifactId></plugin></plugins></build></project>';
const main = '<project><build><plugins><plugin><artifactId>maven-jar-plugin</artifactId><configuration><archive><manifest><mainClass>a.App</mainClass></manifest></archive></configuration></plugin></plugins></build></project>';
const library = '<project><artifactId>core</artifactId></project>';

describe('what a pom says', () => {
  test.each([
    ['spring boot', boot, 'spring-boot'],
    ['quarkus', quarkus, 'quarkus'],
    ['micronaut', '<project><build><plugins><plugin><artifactId>micronaut-maven-plugin</artifactId></plugin></plugins></build></project>', 'micronaut'],
    ['a Main-Class', main, 'main-class'],
    ['a library', library, 'library'],
    ['pom packaging is never runnable', `<project><packaging>pom</packaging>${boot}</project>`, 'library'],
    ['a plugin only offered in pluginManagement is not used', '<project><build><pluginManagement><plugins><plugin><artifactId>spring-boot-maven-plugin</artifactId></plugin></plugins></pluginManagement></build></project>', 'library'],
    ['a commented-out plugin is not used', '<project><!-- <artifactId>spring-boot-maven-plugin</artifactId> --></project>', 'library'],
  ])('%s', (_name, pom, kind) => {
    expect(jarKind(pom)).toBe(kind);
  });

  test('modules in order, none for a single-module project', () => {
    expect(pomModules(parent(['core', 'apps/web']))).toEqual(['core', 'apps/web']);
    expect(pomModules(library)).toEqual([]);
  });

  test.each([
    ['escaped colons', 'distributionUrl=https\\://services.gradle.org/distributions/gradle-8.5-bin.zip\n', 'https://services.gradle.org/distributions/gradle-8.5-bin.zip'],
    ['a mirror', 'distributionBase=GRADLE_USER_HOME\ndistributionUrl=https://mirror.example/gradle-8.5-all.zip\n', 'https://mirror.example/gradle-8.5-all.zip'],
    ['none', 'distributionBase=GRADLE_USER_HOME\n', undefined],
    ['not safe to quote in a shell word', 'distributionUrl=https://x/$(id).zip\n', undefined],
  ])('the Gradle distributionUrl: %s', (_name, properties, url) => {
    expect(distributionUrl(properties)).toBe(url);
  });
});

describe('java planner: which output runs', () => {
  test.each([
    ['single module: target/', { 'pom.xml': main }, 'the runnable jar from target/ (pom.xml)', 'jars=$(find target ', '/app/app.jar'],
    ['multi-module: the one runnable module', { 'pom.xml': parent(['core', 'web']), 'core/pom.xml': library, 'web/pom.xml': boot }, 'the runnable jar from web/target/ (module web is the only runnable one: spring-boot)', 'jars=$(find web/target ', '/app/app.jar'],
    ['Quarkus: its whole quarkus-app folder', { 'pom.xml': quarkus }, 'target/quarkus-app (Quarkus fast-jar) (pom.xml)', 'cp -a target/quarkus-app /out/quarkus-app', '/app/quarkus-app/quarkus-run.jar'],
    [
      'ARTIFACT_DIR in .s2i/environment chooses among several',
      { 'pom.xml': parent(['api', 'worker']), 'api/pom.xml': boot, 'worker/pom.xml': main, '.s2i/environment': 'ARTIFACT_DIR=worker/target\n' },
      'the runnable jar from worker/target/ (ARTIFACT_DIR in .s2i/environment)',
      'jars=$(find worker/target ',
      '/app/app.jar',
    ],
  ])('%s', async (_name, files, reason, step, jar) => {
    const result = await plan(files);
    expect(result.reasons[1]).toContain(reason);
    expect(result.values.buildSteps).toContain(step);
    expect(result.values.startCommand).toBe(JSON.stringify(['java', '-jar', jar]));
  });

  test('multi-module: every module pom is copied before the prefetch, which may stop short', async () => {
    const { values, reasons } = await plan({ 'pom.xml': parent(['core', 'web']), 'core/pom.xml': library, 'web/pom.xml': main });
    expect(values.installSteps).toBe(
      'COPY pom.xml ./\nCOPY core/pom.xml core/\nCOPY web/pom.xml web/\n' +
        'RUN mvn -B -ntp -Dmaven.repo.local=/opt/m2 dependency:go-offline || echo "Slipway: dependency:go-offline stopped short; mvn package downloads what the build needs"',
    );
    expect(reasons[0]).toBe('install: mvn dependency:go-offline with the poms of the project and its modules (core, web)');
  });

  test('no single jar at build time is a named failure, not docker\'s exit code', async () => {
    const { values } = await plan({ 'pom.xml': main });
    expect(values.buildSteps).toContain(`echo "slipway-failure BUILD_OUTPUT_NOT_RUNNABLE: expected one runnable jar in target/, found: $(echo \${jars:-none})" >&2; exit 1;`);
  });

  test.each([
    ['several runnable modules', { 'pom.xml': parent(['api', 'worker', 'core']), 'api/pom.xml': boot, 'worker/pom.xml': main, 'core/pom.xml': library }, 'several modules make a runnable jar (api: spring-boot, worker: main-class): set ARTIFACT_DIR=<module>/target in .s2i/environment'],
    ['no runnable module', { 'pom.xml': parent(['core']), 'core/pom.xml': library }, 'no module of core makes a runnable jar'],
  ])('%s is a clear error listing the candidates', async (_name, files, message) => {
    await expect(plan(files)).rejects.toMatchObject({ code: 'BUILD_STRATEGY_UNKNOWN', message: expect.stringContaining(message) });
  });

  test.each([
    ['a module outside the project', { 'pom.xml': parent(['../x']) }, 'BUILD_REPO_INVALID'],
    ['an ARTIFACT_DIR outside the project', { 'pom.xml': main, '.s2i/environment': 'ARTIFACT_DIR=/etc\n' }, 'BUILD_S2I_INVALID'],
  ])('%s is refused', async (_name, files, code) => {
    await expect(plan(files)).rejects.toMatchObject({ code });
  });
});

describe('java planner: Gradle', () => {
  const wrapper = { gradlew: '#!/bin/sh\n', 'gradle/wrapper/gradle-wrapper.properties': 'distributionUrl=https\\://services.gradle.org/distributions/gradle-8.5-bin.zip\n' };

  test('the wrapper downloads Gradle in the deps stage; a failed download is named with its URL', async () => {
    const { values, reasons } = await plan({ 'build.gradle': '', ...wrapper });
    expect(values.installSteps).toMatch(/^ENV GRADLE_USER_HOME=\/opt\/gradle\nCOPY gradlew \.\/\nCOPY gradle gradle\nRUN \{ .*\/dev\/tcp\/services\.gradle\.org\/443.*; \} \|\| \{ .*; exit 1; \}; chmod \+x gradlew; \.\/gradlew --no-daemon --version/);
    // An unreachable host is said within 20 s, not after the wrapper's ~8.5 minutes of retries.
    expect(values.installSteps).toContain(
      'echo "slipway-failure BUILD_TOOL_UNAVAILABLE: gradlew needs the Gradle distribution https://services.gradle.org/distributions/gradle-8.5-bin.zip (distributionUrl in gradle/wrapper/gradle-wrapper.properties), and the build has no connection to services.gradle.org:443 within 20 s',
    );
    expect(values.installSteps).toContain(
      'echo "slipway-failure BUILD_TOOL_UNAVAILABLE: gradlew needs the Gradle distribution https://services.gradle.org/distributions/gradle-8.5-bin.zip (distributionUrl in gradle/wrapper/gradle-wrapper.properties), which the build could not download',
    );
    // Downloaded and still failing is the wrapper's own failure, shown whole and not renamed.
    expect(values.installSteps).toContain('ls /opt/gradle/wrapper/dists/*/*/*/bin/gradle >/dev/null 2>&1 && { cat /tmp/gradlew.log >&2; exit 1; }');
    expect(values.buildSteps).toMatch(/^RUN set -e; \.\/gradlew --no-daemon build -x test; .*find build\/libs .*! -name '\*-plain\.jar'/s);
    expect(reasons[0]).toBe('install: ./gradlew downloads https://services.gradle.org/distributions/gradle-8.5-bin.zip (Gradle Wrapper found)');
  });

  test.each([
    ['build.gradle without gradlew', { 'build.gradle': '' }, 'build.gradle without the Gradle Wrapper'],
    ['build.gradle.kts with gradlew but no wrapper properties', { 'build.gradle.kts': '', gradlew: '' }, 'build.gradle.kts without the Gradle Wrapper'],
  ])('%s fails at planning, naming what is missing', async (_name, files, message) => {
    await expect(plan(files)).rejects.toMatchObject({ code: 'BUILD_TOOL_UNAVAILABLE', message: expect.stringContaining(message) });
  });
});

describe('java: the reachability probe before the Gradle wrapper, run by a real bash', () => {
  const run = (command: string, env: Record<string, string> = {}) =>
    new Promise<number>((resolve) => execFile('bash', ['-c', command], { env: { PATH: process.env.PATH ?? '', ...env } }, (error) => resolve(error ? ((error as { code?: number }).code ?? 1) : 0)));

  test('an open port passes, a closed one fails, a proxy skips the probe', async () => {
    const server = net.createServer((socket) => socket.end()).listen(0, '127.0.0.1');
    await once(server, 'listening');
    const open = (server.address() as net.AddressInfo).port;
    try {
      expect(await run(reachable(`http://127.0.0.1:${open}/gradle.zip`)!.command)).toBe(0);
    } finally {
      server.close();
    }
    const closed = reachable('http://127.0.0.1:9/gradle.zip')!;
    expect(closed.where).toBe('127.0.0.1:9');
    expect(await run(closed.command)).not.toBe(0);
    expect(await run(closed.command, { https_proxy: 'http://proxy.invalid:3128' })).toBe(0);
  });

  test.each([
    ['https default port', 'https://services.gradle.org/distributions/gradle-8.5-bin.zip', 'services.gradle.org:443'],
    ['an explicit port', 'http://mirror.example:8081/g.zip', 'mirror.example:8081'],
  ])('%s', (_name, url, where) => {
    expect(reachable(url)?.where).toBe(where);
  });

  test.each([['not a URL', 'gradle-8.5-bin.zip'], ['file:', 'file:///opt/gradle.zip']])('no probe: %s', (_name, url) => {
    expect(reachable(url)).toBeUndefined();
  });
});
