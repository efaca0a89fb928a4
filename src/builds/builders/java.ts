import { execForm } from '../dockerfile-template.js';
import type { BuilderPlan, PlanInput } from '../plan.js';

/** Maven's local repository, outside /app and outside any VOLUME an image may declare. */
const REPO = '-Dmaven.repo.local=/opt/m2';

/**
 * How to build a Maven project: the pom alone first with `dependency:go-offline` (the
 * Maven Wrapper when the project has one), then `package -DskipTests`, and the one runnable
 * jar in target/ (not -sources, -javadoc, -tests or a shade/Boot `original-` jar) copied
 * to /out/app.jar, run with `java -jar`.
 */
export async function planJava(input: PlanInput): Promise<BuilderPlan> {
  const wrapper = input.files.includes('mvnw') && input.files.includes('.mvn');
  const mvn = `${wrapper ? './mvnw' : 'mvn'} -B -ntp ${REPO}`;
  const pickJar = [
    `jars=$(find target -maxdepth 1 -name '*.jar' ! -name '*-sources.jar' ! -name '*-javadoc.jar' ! -name '*-tests.jar' ! -name 'original-*')`,
    `[ "$(printf '%s\\n' "$jars" | grep -c .)" = 1 ] || { echo "Slipway: expected one runnable jar in target/, found: \${jars:-none}" >&2; exit 1; }`,
    'cp "$jars" /out/app.jar',
  ];
  return {
    values: {
      installSteps: [wrapper ? 'COPY pom.xml mvnw ./\nCOPY .mvn .mvn' : 'COPY pom.xml ./', `RUN ${mvn} dependency:go-offline`].join('\n'),
      buildSteps: `RUN set -e; ${mvn} package -DskipTests; \\\n    ${pickJar.join('; \\\n    ')}`,
      startCommand: execForm(['java', '-jar', '/app/app.jar']),
    },
    reasons: [
      `install: ${wrapper ? './mvnw (Maven Wrapper found)' : 'mvn'} dependency:go-offline with pom.xml alone`,
      'build: mvn package -DskipTests, the runnable jar from target/',
      'start: java -jar /app/app.jar',
    ],
  };
}
