import type { Command } from 'commander';
import type { ApiClient } from './client.js';
import { fileListCommand, fileRemoveCommand, fileSetCommand, type FilesSegment } from './commands/app-files.js';

type Run = <A extends unknown[]>(action: (...args: A) => Promise<void>) => (...args: A) => Promise<void>;

/** issue 19: `config-file` and `secret-file` set|list|rm: files mounted into the app's container; every change is a new release. */
export function addFileCommands(params: { program: Command; run: Run; client: () => ApiClient; print: (line: string) => void }): void {
  const { program, run, client, print } = params;
  const groups: Array<[string, FilesSegment, string]> = [
    ['config-file', 'files', 'config files mounted into the container (a ConfigMap per version)'],
    ['secret-file', 'secret-files', 'secret files mounted into the container (a Secret per version; contents sealed, never printed)'],
  ];
  for (const [name, segment, what] of groups) {
    const group = program.command(name).description(`an app's ${what}; every change is a new release`);
    group
      .command('set')
      .argument('<app>')
      .argument('<pairs...>', '<mount-path>=@<local file>, or <mount-dir>=@<local dir>/ (its regular files, not recursive)')
      .option('--no-wait', 'do not wait for the release')
      .action(run(async (app: string, pairs: string[], options: { wait: boolean }) => fileSetCommand({ client: client(), segment, app, pairs, wait: options.wait, print })));
    group.command('list').argument('<app>').action(run(async (app: string) => fileListCommand({ client: client(), segment, app, print })));
    group
      .command('rm')
      .alias('remove')
      .argument('<app>')
      .argument('<path>', 'a mount path as set')
      .option('--no-wait', 'do not wait for the release')
      .action(run(async (app: string, path: string, options: { wait: boolean }) => fileRemoveCommand({ client: client(), segment, app, path, wait: options.wait, print })));
  }
}
