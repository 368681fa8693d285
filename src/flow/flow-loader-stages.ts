import type { DependencyContainer } from 'tsyringe';
import { defaultContainer, resolveClass } from '../di/container.js';
import { escapeToken, type DocumentIssue } from '../documents/document-issues.js';
import type { DocumentRoutine } from '../documents/flow-document.js';
import { ErrorCode } from '../errors/error-codes.js';
import { isRoutiluxError } from '../errors/routilux-error.js';
import { ErrorHandler, type ErrorHandlerOptions } from './error-handler.js';
import { FunctionRegistry } from '../metadata/function-registry.js';
import { RoutineRegistry } from '../metadata/routine-registry.js';
import { activationPolicyFromJSON, type LogicFunction } from '../policies/activation-policy.js';
import type { RoutineBase } from '../routine/routine-base.js';
import { isPlainObject } from '../utils/guards.js';

/** @internal what building the routines of a document found, by stage. */
export interface RoutineBuild {
  readonly routines: Map<string, RoutineBase>;
  /** Stage 5: configs the routine classes reject, and malformed policies. */
  readonly configIssues: DocumentIssue[];
  /** Stage 6: routine types that are not registered. */
  readonly typeIssues: DocumentIssue[];
  /** Functions named by the document that are not registered (after stage 6). */
  readonly functionIssues: DocumentIssue[];
}

function configFieldPath(base: string, field: string): string {
  return `${base}/${field.split('.').map(escapeToken).join('/')}`;
}

/** Turns a routine's config rejection into issues under `/routines/<id>/config/…`. */
function configProblems(error: unknown, base: string): DocumentIssue[] {
  if (!isRoutiluxError(error)) throw error;
  const fields = error.details['fields'];
  if (error.code === ErrorCode.INVALID_CONFIG && Array.isArray(fields) && fields.length > 0) {
    return (fields as { path: string; constraints: string[] }[]).map((f) => ({ path: configFieldPath(base, f.path), message: f.constraints.join('; ') }));
  }
  return [{ path: base, message: error.message }];
}

/** @internal an ErrorHandler from its document form; an unknown retryable name is reported, not thrown. */
export function handlerFrom(raw: Record<string, unknown>, path: string, functionIssues: DocumentIssue[]): ErrorHandler | undefined {
  try {
    return new ErrorHandler(raw as ErrorHandlerOptions);
  } catch (error) {
    if (isRoutiluxError(error) && error.code === ErrorCode.UNKNOWN_FUNCTION) {
      functionIssues.push({ path: `${path}/retryable`, message: error.message });
      return undefined;
    }
    throw error;
  }
}

function applyExtras(routine: RoutineBase, entry: DocumentRoutine, base: string, out: RoutineBuild): void {
  if (entry.errorHandler !== undefined) {
    const handler = handlerFrom(entry.errorHandler, `${base}/errorHandler`, out.functionIssues);
    if (handler !== undefined) routine.setErrorHandler(handler);
  }
  if (entry.logic !== undefined) {
    const fn = FunctionRegistry.get(entry.logic);
    if (fn === undefined) out.functionIssues.push({ path: `${base}/logic`, message: `the logic function "${entry.logic}" is not registered; call FunctionRegistry.register("${entry.logic}", fn) before loading` });
    else routine.setLogic(fn as LogicFunction);
  }
  if (entry.activationPolicy !== undefined) {
    try {
      routine.setActivationPolicy(activationPolicyFromJSON(entry.activationPolicy));
    } catch (error) {
      if (!isRoutiluxError(error)) throw error;
      (error.code === ErrorCode.UNKNOWN_FUNCTION ? out.functionIssues : out.configIssues).push({ path: `${base}/activationPolicy`, message: error.message });
    }
  }
}

/**
 * @internal Instantiates every routine entry that has a usable shape (through the
 * container, so constructor injection works) and applies its config, error handler,
 * logic and policy, collecting every problem by stage instead of stopping at the first.
 * `skip` names entries the schema already found broken.
 */
export function buildRoutines(entries: Readonly<Record<string, unknown>>, container: DependencyContainer | undefined, skip: (id: string) => boolean): RoutineBuild {
  const out: RoutineBuild = { routines: new Map(), configIssues: [], typeIssues: [], functionIssues: [] };
  for (const [id, raw] of Object.entries(entries)) {
    if (skip(id) || !isPlainObject(raw) || typeof raw['type'] !== 'string') continue;
    const entry = { ...raw, config: raw['config'] ?? {} } as unknown as DocumentRoutine;
    const base = `/routines/${escapeToken(id)}`;
    const cls = RoutineRegistry.get(entry.type);
    if (cls === undefined) {
      out.typeIssues.push({
        path: `${base}/type`,
        message: `routine "${id}" has type "${entry.type}", which is not registered; import the module that declares it (@Routine({ name: '${entry.type}' })) or call RoutineRegistry.register before loading`,
      });
      continue;
    }
    const routine = resolveClass(container ?? defaultContainer(), cls as unknown as new () => RoutineBase);
    if (Object.keys(entry.config).length > 0) {
      try {
        routine.setConfig(entry.config);
      } catch (error) {
        out.configIssues.push(...configProblems(error, `${base}/config`));
      }
    }
    applyExtras(routine, entry, base, out);
    out.routines.set(id, routine);
  }
  return out;
}
