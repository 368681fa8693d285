#!/usr/bin/env node
// The `routilux` bin (services.md §4): commander program, commands in ./commands.
import { COMMANDS } from './commands/index.js';
import { runCli } from './program.js';

runCli(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, env: process.env, cwd: process.cwd() }, COMMANDS).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`error UNEXPECTED: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  },
);
