// Where routilux keeps its BullMQ queue: under the store's prefix, apart from its job keys
// (`<prefix>:job:…`), so one prefix is one application's jobs, queue and channels.

/** The BullMQ key prefix of a routilux prefix. */
export function bullPrefix(prefix: string): string {
  return `${prefix}:q`;
}

/** The name of the queue that places routilux jobs on workers. */
export const RUN_QUEUE = 'run';

/** What a BullMQ job of the run queue carries: which routilux job to hold, and how to start it the first time. */
export interface PlacementData {
  readonly jobId: string;
  /** The registry name of the job's flow. */
  readonly flow: string;
  /** How the job starts when a worker finds it not yet started. */
  readonly start?: {
    readonly entryRoutineId: string;
    readonly entryParams: Record<string, unknown>;
    readonly timeout?: number;
  };
}
