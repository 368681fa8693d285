import { resolve } from 'node:path';
import type { Command } from 'commander';
import { isRoutiluxError, loadFlowFile, type DocumentIssue, type FlowIssue } from '../../index.js';
import type { CliCommand } from '../program.js';
import { EXIT } from '../exit-codes.js';
import { loadRoutineModules } from './shared.js';

// Document problems that are findings of validation (exit 1), not unreadable input (exit 2).
const FINDINGS = new Set(['INVALID_FORMAT', 'FORBIDDEN_KEY', 'UNKNOWN_ROUTINE', 'UNKNOWN_EVENT', 'UNKNOWN_SLOT', 'UNKNOWN_FUNCTION']);

function issueLine(file: string, i: DocumentIssue): string {
  const at = i.line !== undefined ? `${file}:${i.line}:${i.column ?? 1}` : file;
  return `  ${at}  ${i.path === '' ? '(root)' : i.path}  ${i.message}`;
}

/** `routilux validate <flow>`: loads a YAML/JSON flow and prints its issues. */
export const validateCommand: CliCommand = {
  register(program, run) {
    program
      .command('validate')
      .description('load a YAML/JSON flow file and print its issues (exit 1 when there are errors)')
      .argument('<flow>', 'flow file (.yaml, .yml or .json)')
      .action((file: string, _opts: unknown, cmd: Command) =>
        run(cmd, async (ctx) => {
          await loadRoutineModules(ctx);
          try {
            const flow = await loadFlowFile(resolve(ctx.io.cwd, file));
            const issues: FlowIssue[] = flow.validate();
            const errors = issues.filter((i) => i.severity === 'error').length;
            const text = [
              `${errors === 0 ? 'ok' : 'invalid'}: ${file} (flow ${flow.flowId}, ${flow.routines.size} routines, ${flow.connections.length} connections)`,
              ...issues.map((i) => `  ${i.severity} ${i.code}${i.routineId !== undefined ? ` ${i.routineId}` : ''}: ${i.message}`),
            ].join('\n');
            ctx.result({ valid: errors === 0, file, flowId: flow.flowId, routines: flow.routines.size, connections: flow.connections.length, issues }, text);
            return errors === 0 ? EXIT.OK : EXIT.FAILED;
          } catch (error) {
            if (!isRoutiluxError(error) || !FINDINGS.has(error.code) || error.details['stage'] === 'syntax') throw error;
            const issues = (error.details['issues'] as DocumentIssue[] | undefined) ?? [{ path: '', message: error.message }];
            const text = [`invalid: ${file} (${error.code}, ${issues.length} problem${issues.length === 1 ? '' : 's'})`, ...issues.map((i) => issueLine(file, i))].join('\n');
            ctx.result({ valid: false, file, code: error.code, issues }, text);
            return EXIT.FAILED;
          }
        }),
      );
  },
};
