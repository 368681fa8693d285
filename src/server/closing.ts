/**
 * Tells long waits that the server is closing. A plain set of callbacks rather than an
 * AbortSignal: a `wait` request adds and removes one listener, and EventTarget listeners
 * cost more than that on the hot path. @internal
 */
export class Closing {
  private readonly listeners = new Set<() => void>();
  private closed = false;

  /** True once the server started closing. */
  get aborted(): boolean {
    return this.closed;
  }

  /** Calls `listener` once when the server closes (at once if it already has); returns the undo. */
  onClose(listener: () => void): () => void {
    if (this.closed) {
      listener();
      return () => undefined;
    }
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  /** Starts closing: every listener runs once. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    const listeners = [...this.listeners];
    this.listeners.clear();
    for (const listener of listeners) listener();
  }
}
