import type { OutputRecord } from './job-types.js';

/** Receives what routines send with `sendOutput`. */
export interface OutputHandler {
  /** Called once per output record; a throw is caught and never breaks the job. */
  handle(record: OutputRecord): void;
}

/** Calls a function with each output record. */
export class CallbackOutputHandler implements OutputHandler {
  constructor(private readonly callback: (record: OutputRecord) => void) {}
  /** Passes the record to the callback. */
  handle(record: OutputRecord): void {
    this.callback(record);
  }
}

/** Pushes each output record onto a queue (an array or anything with `push`). */
export class QueueOutputHandler implements OutputHandler {
  constructor(readonly queue: { push(record: OutputRecord): unknown }) {}
  /** Pushes the record. */
  handle(record: OutputRecord): void {
    this.queue.push(record);
  }
}

/** Discards output (the log in `jobState.outputLog` is still kept). */
export class NullOutputHandler implements OutputHandler {
  /** Does nothing. */
  handle(): void {}
}
