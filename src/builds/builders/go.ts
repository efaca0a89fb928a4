import { SlipwayError } from '../../errors.js';
import { execForm } from '../dockerfile-template.js';
import type { BuilderPlan, PlanInput } from '../plan.js';

const PACKAGE_MAIN = /^package\s+main\b/m;

/**
 * How to build a Go module: `go mod download` with go.mod/go.sum alone (skipped when the
 * module vendors its dependencies), then one static binary at /out/app from the main
 * package: `.` when a top-level .go file is `package main`, else the only folder in cmd/
 * (or the one named like the module when there are several).
 */
export async function planGo(input: PlanInput): Promise<BuilderPlan> {
  const has = (f: string) => input.files.includes(f);
  const vendored = has('vendor');
  const manifests = ['go.mod', ...(has('go.sum') ? ['go.sum'] : [])];
  const main = await mainPackage(input);
  return {
    values: {
      installSteps: vendored ? '' : [`COPY ${manifests.join(' ')} ./`, 'RUN go mod download'].join('\n'),
      buildSteps: `RUN go build -trimpath -ldflags="-s -w" -o /out/app ${main.path}`,
      startCommand: execForm(['/usr/local/bin/app']),
    },
    reasons: [
      vendored ? 'install: vendor/ found, no module download' : `install: go mod download (${manifests.join(', ')})`,
      `build: go build ${main.path} (${main.why}), CGO_ENABLED=0`,
      'start: /usr/local/bin/app',
    ],
  };
}

async function mainPackage(input: PlanInput): Promise<{ path: string; why: string }> {
  for (const file of input.files.filter((f) => f.endsWith('.go') && !f.endsWith('_test.go')).sort()) {
    if (PACKAGE_MAIN.test((await input.read(file)) ?? '')) return { path: '.', why: `${file} is package main` };
  }
  const commands: string[] = [];
  for (const dir of await input.list('cmd')) {
    const files = (await input.list(`cmd/${dir}`)).filter((f) => f.endsWith('.go') && !f.endsWith('_test.go'));
    for (const file of files) {
      if (PACKAGE_MAIN.test((await input.read(`cmd/${dir}/${file}`)) ?? '')) {
        commands.push(dir);
        break;
      }
    }
  }
  if (commands.length === 1) return { path: `./cmd/${commands[0]}`, why: `the only command in cmd/` };
  const module = /^module\s+(\S+)/m.exec((await input.read('go.mod')) ?? '')?.[1];
  const named = module && commands.find((c) => c === module.split('/').pop());
  if (named) return { path: `./cmd/${named}`, why: `cmd/${named} is named like module ${module}` };
  throw new SlipwayError(
    'BUILD_STRATEGY_UNKNOWN',
    commands.length
      ? `several commands in cmd/ (${commands.join(', ')}) and none named like the module: build one with .s2i/bin/assemble (binary at /out/app)`
      : 'no main package: no top-level .go file is package main and cmd/ has no command',
  );
}
