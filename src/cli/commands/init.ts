import { existsSync, readdirSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { basename, dirname, join, relative, resolve } from 'node:path';
import type { Command } from 'commander';
import { ErrorCode, InvalidArgumentError } from '../../index.js';
import { EXIT } from '../exit-codes.js';
import { projectFiles } from '../init/template.js';
import { ownVersion, type CliCommand } from '../program.js';

function packageName(dir: string): string {
  const name = basename(dir).toLowerCase().replace(/[^a-z0-9._-]+/g, '-').replace(/^[._-]+/, '');
  return name.length > 0 ? name.slice(0, 214) : 'routilux-app';
}

/** `routilux init [dir] [--force]`: scaffolds a project that installs and runs. */
export const initCommand: CliCommand = {
  register(program, run) {
    program
      .command('init')
      .description('scaffold a routilux project (package.json, tsconfig.json, src/routines.ts, flows/hello.yaml, test/hello.spec.ts)')
      .argument('[dir]', 'target folder', '.')
      .option('--force', 'write into a folder that is not empty (overwrites the scaffold files)')
      .action((dir: string, opts: { force?: boolean }, cmd: Command) =>
        run(cmd, async (ctx) => {
          const target = resolve(ctx.io.cwd, dir);
          if (existsSync(target) && readdirSync(target).length > 0 && opts.force !== true) {
            throw new InvalidArgumentError(ErrorCode.INVALID_ARGUMENT, `${relative(ctx.io.cwd, target) || '.'} is not empty; choose an empty folder, or pass --force to write the scaffold files into it.`, {
              details: { dir: target },
            });
          }
          const files = projectFiles(packageName(target), ownVersion());
          for (const [path, content] of Object.entries(files)) {
            await mkdir(dirname(join(target, path)), { recursive: true });
            await writeFile(join(target, path), content, 'utf8');
          }
          const shown = relative(ctx.io.cwd, target) || '.';
          ctx.result(
            { dir: target, files: Object.keys(files) },
            [`created a routilux project in ${shown}:`, ...Object.keys(files).map((f) => `  ${f}`), '', 'next:', ...(shown === '.' ? [] : [`  cd ${shown}`]), '  npm install', '  npm start'].join('\n'),
          );
          return EXIT.OK;
        }),
      );
  },
};
