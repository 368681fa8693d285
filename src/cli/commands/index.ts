import type { CliCommand } from '../program.js';
import { diagramCommand } from './diagram.js';
import { initCommand } from './init.js';
import { jobCommand } from './job.js';
import { inspectCommand } from './inspect.js';
import { listCommand } from './list.js';
import { resumeCommand } from './resume.js';
import { runCommand } from './run.js';
import { serveCommand } from './serve.js';
import { validateCommand } from './validate.js';

/** The commands of the bin, in help order. */
export const COMMANDS: readonly CliCommand[] = [initCommand, validateCommand, runCommand, resumeCommand, inspectCommand, listCommand, diagramCommand, serveCommand, jobCommand];
