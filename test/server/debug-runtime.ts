import { Subject, type Observable } from 'rxjs';
import { Runtime, type RoutiluxEvent, type RuntimeOptions } from '../../src/index.js';

/**
 * A Runtime whose `events$` are the ones a test pushes (`pushed`), so the WebSocket
 * forwarding can be exercised with exact events.
 */
export class DebugRuntime extends Runtime {
  /** Events a test pushes; they are this runtime's whole `events$`. */
  readonly pushed = new Subject<RoutiluxEvent>();
  override get events$(): Observable<RoutiluxEvent> {
    return this.pushed;
  }

  constructor(options: RuntimeOptions) {
    super(options);
  }
}
