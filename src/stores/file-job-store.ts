// A JobStore on the file system: one JSON file per job (its document and the store's
// bookkeeping), replaced atomically on every write, plus `leases.json` and `flows.json`.
// The store keeps every job in memory too (a JobTable) and writes each change through.
import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ErrorCode } from '../errors/error-codes.js';
import { ExecutionError, InvalidArgumentError } from '../errors/routilux-error.js';
import { StoreError } from '../errors/store-error.js';
import type { ActivationCommit, JobLease, JobPage, JobStore, ListJobsQuery, RetentionOptions, StoredJson } from '../ports/job-store.js';
import type { Clock } from '../runtime/clock.js';
import type { SerializedJobState } from '../serialization/job-state-serializer.js';
import type { JobStatus } from '../state/job-types.js';
import { describe, isPlainObject } from '../utils/guards.js';
import { checkStoredJob } from './job-document.js';
import { copyStoredJson } from './stored-json.js';
import { JobTable, type HeldLease, type JobEntry, type TableObserver } from './job-table.js';

/** Options of {@link FileJobStore}. */
export interface FileJobStoreOptions {
  /** Directory of the store (created on first use): `jobs/<jobId>.json`, `leases.json`, `flows.json`. */
  readonly directory: string;
  /** Which finished jobs to keep (the others are removed when a job finishes or jobs are listed). */
  readonly retention?: RetentionOptions;
  /** Time source for lease expiry and retention by age (default: the system clock). */
  readonly clock?: Pick<Clock, 'now'>;
}

/** What one job file holds. */
interface JobFile {
  readonly format: 'routilux-file-store/1';
  readonly seq: number;
  readonly flow?: string;
  readonly summary: JobEntry['summary'];
  readonly committed: readonly string[];
  readonly doc: SerializedJobState;
}

const FORMAT = 'routilux-file-store/1';
const OPTIONS: ReadonlySet<string> = new Set(['directory', 'retention', 'clock']);

/** The file name of a job: its id, encoded so any valid id is a safe file name. */
function fileNameOf(jobId: string): string {
  return `${encodeURIComponent(jobId).replace(/\./g, '%2E')}.json`;
}

async function writeAtomic(path: string, value: unknown): Promise<void> {
  const tmp = `${path}.${process.pid}.tmp`;
  await writeFile(tmp, JSON.stringify(value), 'utf8');
  await rename(tmp, path);
}

async function readJson(path: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as { code?: unknown }).code === 'ENOENT') return undefined;
    throw error;
  }
  return JSON.parse(text) as unknown;
}

/** A copy of a caller's JSON input, taken when the call is made. */
function snapshot<T>(value: T, what: string): T {
  return copyStoredJson(value as unknown as StoredJson, what) as unknown as T;
}

function noInput(): undefined {
  return undefined;
}

/**
 * A {@link JobStore} that keeps each job as a JSON file in `directory`, written atomically
 * (write a temporary file, rename) after every change, so a crash leaves each job either
 * before or after a commit, never in between. It reads the directory once, on first use,
 * and then serves reads from memory: it suits one process at a time (a second process using
 * the same directory is not detected; use the SQLite or Redis store for that). Leases and
 * fences are written too, so a restarted process still refuses a stale writer.
 *
 * @example
 * const runtime = new Runtime({ store: new FileJobStore({ directory: './state' }) });
 */
export class FileJobStore implements JobStore {
  readonly #directory: string;
  readonly #table: JobTable;
  #ready: Promise<void> | undefined;
  /** Writes in order: each mutation appends its file writes to this chain. */
  #chain: Promise<void> = Promise.resolve();
  #dirty = new Set<string>();
  #removed = new Set<string>();
  #flowsDirty = false;
  #leasesDirty = false;
  #closed = false;

  constructor(options: FileJobStoreOptions) {
    if (typeof options !== 'object' || options === null || typeof options.directory !== 'string' || options.directory.length === 0) {
      throw new InvalidArgumentError(ErrorCode.INVALID_ARGUMENT, `FileJobStore needs { directory: string }; got ${describe(options)}.`);
    }
    for (const key of Object.keys(options)) {
      if (!OPTIONS.has(key)) throw new InvalidArgumentError(ErrorCode.INVALID_ARGUMENT, `Unknown FileJobStore option "${key}"; known options: ${[...OPTIONS].join(', ')}.`, { details: { option: key } });
    }
    this.#directory = options.directory;
    const clock = options.clock;
    const observer: TableObserver = {
      changed: (jobId) => {
        this.#dirty.add(jobId);
        this.#removed.delete(jobId);
      },
      removed: (jobId) => {
        this.#dirty.delete(jobId);
        this.#removed.add(jobId);
      },
      flowsChanged: () => {
        this.#flowsDirty = true;
      },
      leasesChanged: () => {
        this.#leasesDirty = true;
      },
    };
    this.#table = new JobTable(options.retention, clock === undefined ? Date.now : () => clock.now(), observer);
  }

  /** The store's directory. */
  get directory(): string {
    return this.#directory;
  }

  create(job: SerializedJobState, options: { readonly flow?: string } = {}): Promise<void> {
    return this.#write(() => snapshot(job, 'create: job document'), (copy) => this.#table.create(copy, options));
  }

  load(jobId: string): Promise<SerializedJobState | undefined> {
    return this.#read(() => this.#table.load(jobId));
  }

  commit(commit: ActivationCommit): Promise<boolean> {
    return this.#write(() => snapshot(commit, 'Commit'), (copy) => this.#table.commit(copy));
  }

  put(job: SerializedJobState, options: { readonly flow?: string; readonly fence?: number } = {}): Promise<void> {
    return this.#write(() => snapshot(job, 'put: job document'), (copy) => this.#table.put(copy, options));
  }

  acquire(jobId: string, owner: string, ttlMs: number): Promise<JobLease | undefined> {
    return this.#write(noInput, () => this.#table.acquire(jobId, owner, ttlMs));
  }

  release(lease: JobLease): Promise<void> {
    return this.#write(() => snapshot(lease, 'release: lease'), (copy) => this.#table.release(copy));
  }

  listUnfinished(): Promise<readonly string[]> {
    return this.#read(() => this.#table.listUnfinished());
  }

  listJobs(query?: ListJobsQuery): Promise<JobPage> {
    return this.#write(() => snapshot(query ?? {}, 'listJobs: query'), (copy) => this.#table.listJobs(copy)); // listing applies retention, which may remove files
  }

  getJob(jobId: string): Promise<SerializedJobState | undefined> {
    return this.load(jobId);
  }

  deleteJob(jobId: string): Promise<boolean> {
    return this.#write(noInput, () => this.#table.deleteJob(jobId));
  }

  putFlow(name: string, document: StoredJson): Promise<void> {
    return this.#write(() => snapshot(document, `putFlow: flow ${String(name)}`), (copy) => this.#table.putFlow(name, copy));
  }

  deleteFlow(name: string): Promise<boolean> {
    return this.#write(noInput, () => this.#table.deleteFlow(name));
  }

  listFlows(): Promise<ReadonlyArray<{ readonly name: string; readonly document: StoredJson }>> {
    return this.#read(() => this.#table.listFlows());
  }

  /** Waits for the writes in progress, then refuses every further call. */
  async close(): Promise<void> {
    this.#closed = true;
    await this.#chain.catch(() => undefined);
  }

  #open(): void {
    if (this.#closed) throw new ExecutionError(ErrorCode.INVALID_STATE, `This FileJobStore (${this.#directory}) is closed; create a new store.`);
  }

  async #read<T>(op: () => T): Promise<T> {
    this.#open();
    await this.#load();
    await this.#chain;
    return op();
  }

  /**
   * Takes a copy of the caller's input now (`take`: later changes to it change nothing),
   * runs `op` on the table in call order, then writes what it changed; resolves once that is
   * on disk.
   */
  async #write<I, T>(take: () => I, op: (input: I) => T): Promise<T> {
    this.#open();
    const input = take();
    await this.#load();
    const run = this.#chain.then(async () => {
      const result = op(input);
      await this.#flush();
      return result;
    });
    this.#chain = run.then(
      () => undefined,
      () => undefined,
    );
    return run;
  }

  async #flush(): Promise<void> {
    const jobs = join(this.#directory, 'jobs');
    for (const jobId of this.#dirty) {
      const entry = this.#table.jobs.get(jobId);
      if (entry?.doc === undefined) continue;
      const file: JobFile = {
        format: FORMAT,
        seq: entry.seq,
        ...(entry.flow !== undefined ? { flow: entry.flow } : {}),
        summary: entry.summary,
        committed: [...entry.committed],
        doc: entry.doc,
      };
      await writeAtomic(join(jobs, fileNameOf(jobId)), file);
    }
    this.#dirty.clear();
    for (const jobId of this.#removed) await rm(join(jobs, fileNameOf(jobId)), { force: true });
    this.#removed.clear();
    if (this.#leasesDirty) {
      this.#leasesDirty = false;
      const leases = Object.fromEntries([...this.#table.fences].map(([id, fence]) => [id, { fence, lease: this.#table.leases.get(id) ?? null }]));
      await writeAtomic(join(this.#directory, 'leases.json'), leases);
    }
    if (this.#flowsDirty) {
      this.#flowsDirty = false;
      await writeAtomic(join(this.#directory, 'flows.json'), Object.fromEntries(this.#table.flows));
    }
  }

  /** Reads the directory once: every job file, the leases and the flows. */
  #load(): Promise<void> {
    return (this.#ready ??= this.#readDirectory());
  }

  async #readDirectory(): Promise<void> {
    const jobs = join(this.#directory, 'jobs');
    await mkdir(jobs, { recursive: true });
    for (const name of (await readdir(jobs)).sort()) {
      if (!name.endsWith('.json')) continue;
      this.#restoreJob(decodeURIComponent(name.slice(0, -'.json'.length)), await readJson(join(jobs, name)).catch((error: unknown) => error));
    }
    const leases = await readJson(join(this.#directory, 'leases.json'));
    if (isPlainObject(leases)) {
      for (const [jobId, raw] of Object.entries(leases)) {
        if (!isPlainObject(raw) || !Number.isInteger(raw['fence'])) continue;
        this.#table.fences.set(jobId, raw['fence'] as number);
        const lease = raw['lease'];
        if (isPlainObject(lease)) this.#table.leases.set(jobId, lease as unknown as HeldLease);
      }
    }
    const flows = await readJson(join(this.#directory, 'flows.json'));
    if (isPlainObject(flows)) for (const [name, document] of Object.entries(flows)) this.#table.flows.set(name, document as StoredJson);
  }

  /** One job file back into the table; a damaged one is kept as corrupt (listed, but loading it is `CORRUPT_STATE`). */
  #restoreJob(jobId: string, raw: unknown): void {
    if (!isPlainObject(raw) || raw['format'] !== FORMAT || !isPlainObject(raw['summary']) || !Number.isInteger(raw['seq'])) {
      throw new StoreError(ErrorCode.CORRUPT_STATE, `The file of job ${jobId} in ${this.#directory} is not a routilux file store job (${raw instanceof Error ? raw.message : 'unknown layout'}); move it away or restore it from a backup.`, {
        details: { jobId, directory: this.#directory },
      });
    }
    const summary = raw['summary'] as unknown as JobEntry['summary'];
    const entry: JobEntry = {
      doc: undefined,
      summary: { flowId: String(summary.flowId), status: summary.status as JobStatus, createdAt: String(summary.createdAt), updatedAt: String(summary.updatedAt) },
      flow: typeof raw['flow'] === 'string' ? raw['flow'] : undefined,
      seq: raw['seq'] as number,
      committed: new Set(Array.isArray(raw['committed']) ? raw['committed'].map(String) : []),
    };
    try {
      entry.doc = checkStoredJob(raw['doc'] as SerializedJobState, `job ${jobId}`);
    } catch (error) {
      entry.corrupt = error instanceof Error ? error.message : String(error);
    }
    this.#table.restore(jobId, entry);
  }
}
