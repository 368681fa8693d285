// Where the server meets the engine's observability (services.md §2 and §9): the live event
// stream (`runtime.events$`, taken structurally, so a runtime of the same shape is forwarded
// as is) and the diagrams (`flowToMermaid` / `flowToD2`). Breakpoints and step are the
// Runtime's own methods (routes/debug.ts).
import { flowToD2, flowToMermaid, type Flow, type Runtime } from '../index.js';

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

/** The runtime's event stream. */
export function eventSourceOf(runtime: Runtime): EventSource {
  return runtime.events$ as unknown as EventSource;
}

/** The flow's diagram in `format`. */
export function diagramOf(flow: Flow, format: 'mermaid' | 'd2'): string {
  return format === 'mermaid' ? flowToMermaid(flow) : flowToD2(flow);
}
