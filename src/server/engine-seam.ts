// The one place the server meets engine features that arrive with the observability work
// (services.md §2 and §9): the live event stream (`runtime.events$`), breakpoints and
// stepping (`runtime.addBreakpoint` / `removeBreakpoint` / `listBreakpoints` / `step`,
// `breakpoints` in exec options) and the diagrams (`flowToMermaid` / `flowToD2` from the
// root entry). They are looked up structurally on the runtime and the root entry, so a
// runtime that has them (the engine once they land, a DistributedRuntime) is used as is,
// and one that lacks them gets a clear 501 instead of a fake answer.
import * as core from '../index.js';
import type { Flow, Runtime } from '../index.js';
import { HttpError } from './http-errors.js';

/** An engine event as it crosses the WebSocket (`RoutiluxEvent` of services.md §2). */
export interface EngineEvent {
  readonly type: string;
  readonly jobId: string;
  readonly flowId: string;
  readonly at: string;
  readonly [key: string]: unknown;
}

/** A stream of engine events (RxJS `Observable<RoutiluxEvent>` has this shape). */
export interface EventSource {
  subscribe(observer: { next: (event: EngineEvent) => void; error?: (error: unknown) => void }): { unsubscribe(): void };
}

/** A breakpoint as the engine reports it. */
export interface EngineBreakpoint {
  readonly id: string;
  readonly routineId: string;
  readonly slot?: string;
  readonly condition?: string;
  readonly hits: number;
}

/** What a breakpoint is set with. */
export interface BreakpointSpec {
  routineId: string;
  slot?: string;
  condition?: string;
}

/** The debugger methods of a runtime (services.md §2). */
export interface EngineDebugger {
  addBreakpoint(jobId: string, spec: BreakpointSpec): EngineBreakpoint;
  removeBreakpoint(jobId: string, breakpointId: string): unknown;
  listBreakpoints(jobId: string): readonly EngineBreakpoint[];
  step(jobId: string): Promise<{ taskId: string | null }>;
}

const fn = (target: unknown, name: string): boolean => typeof (target as Record<string, unknown> | null)?.[name] === 'function';

/** The runtime's event stream, or undefined when this runtime has none. */
export function eventSourceOf(runtime: Runtime): EventSource | undefined {
  const stream = (runtime as unknown as { events$?: unknown }).events$;
  return fn(stream, 'subscribe') ? (stream as EventSource) : undefined;
}

/** The runtime's debugger, or undefined. */
export function debuggerOf(runtime: Runtime): EngineDebugger | undefined {
  const r = runtime as unknown as Record<string, unknown>;
  return ['addBreakpoint', 'removeBreakpoint', 'listBreakpoints', 'step'].every((m) => fn(r, m)) ? (runtime as unknown as EngineDebugger) : undefined;
}

/** The debugger, or a 501 saying this runtime cannot debug. */
export function requireDebugger(runtime: Runtime): EngineDebugger {
  const d = debuggerOf(runtime);
  if (d === undefined) {
    throw new HttpError('INVALID_STATE', 'This runtime has no debugger (breakpoints and step); use a routilux version whose Runtime provides addBreakpoint/step.', { feature: 'breakpoints' }, 501);
  }
  return d;
}

type Diagrammer = (flow: Flow) => string;

/** The flow's diagram in `format`, or a 501 when the diagram generators are not available. */
export function diagramOf(flow: Flow, format: 'mermaid' | 'd2'): string {
  const exports = core as unknown as Record<string, unknown>;
  const generate = exports[format === 'mermaid' ? 'flowToMermaid' : 'flowToD2'];
  if (typeof generate !== 'function') {
    throw new HttpError('INVALID_STATE', `Diagrams are not available in this routilux version (no ${format === 'mermaid' ? 'flowToMermaid' : 'flowToD2'}).`, { feature: 'diagram' }, 501);
  }
  return (generate as Diagrammer)(flow);
}
