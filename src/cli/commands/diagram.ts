import { writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { Option, type Command } from 'commander';
import { flowToD2, flowToMermaid } from '../../index.js';
import { EXIT } from '../exit-codes.js';
import type { CliCommand } from '../program.js';
import { loadFlow } from './shared.js';

/** `routilux diagram <flow> [--format mermaid|d2] [-o file]` (services.md §9). */
export const diagramCommand: CliCommand = {
  register(program, run) {
    program
      .command('diagram')
      .description('write the diagram of a flow file as Mermaid or D2 text')
      .argument('<flow>', 'flow file (.yaml, .yml or .json)')
      .addOption(new Option('--format <format>', 'diagram language').choices(['mermaid', 'd2']).default('mermaid'))
      .option('-o, --output <file>', 'write to this file instead of stdout')
      .action((file: string, opts: { format: 'mermaid' | 'd2'; output?: string }, cmd: Command) =>
        run(cmd, async (ctx) => {
          const flow = await loadFlow(ctx, file);
          const text = opts.format === 'd2' ? flowToD2(flow) : flowToMermaid(flow);
          if (opts.output !== undefined) {
            const target = resolve(ctx.io.cwd, opts.output);
            await writeFile(target, text.endsWith('\n') ? text : `${text}\n`, 'utf8');
            ctx.result({ format: opts.format, file: opts.output }, `wrote ${opts.output} (${opts.format})`);
          } else {
            ctx.result({ format: opts.format, diagram: text }, text);
          }
          return EXIT.OK;
        }),
      );
  },
};
