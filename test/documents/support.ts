import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import Ajv2020Module from 'ajv/dist/2020.js';
import type { ValidateFunction } from 'ajv';
import * as builtins from '../../src/builtins/index.js';
import { Flow, RoutineBase } from '../../src/index.js';

type AjvClass = typeof Ajv2020Module.default;
const Ajv2020 = ((Ajv2020Module as unknown as { default?: AjvClass }).default ?? Ajv2020Module) as AjvClass;

/** The schema file the package ships, compiled by a fresh Ajv (as an editor or another tool would). */
export function schemaValidator(): ValidateFunction {
  const schema = JSON.parse(readFileSync(resolve(__dirname, '../../schema/flow.schema.json'), 'utf8')) as Record<string, unknown>;
  return new Ajv2020({ allErrors: true, strict: true }).compile(schema);
}

/** A flow holding one instance (default config) of every built-in routine that needs no options. */
export function builtinFlow(): Flow {
  const flow = new Flow({ flowId: 'builtins' });
  for (const [name, value] of Object.entries(builtins)) {
    if (typeof value !== 'function' || !(value.prototype instanceof RoutineBase)) continue;
    if (name === 'RetryHandler') continue; // without its required operation it is a routine that cannot be loaded back
    let routine: RoutineBase;
    try {
      routine = new (value as unknown as new () => RoutineBase)();
    } catch {
      continue; // needs options
    }
    flow.addRoutine(routine, name);
  }
  return flow;
}
