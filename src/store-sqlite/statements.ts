import type Database from 'better-sqlite3';

/** A job's row in `jobs`, as the commit path reads it. */
export interface HeadRow {
  readonly seq: number;
  readonly flow: string | null;
  readonly status: string;
  readonly next_pos: number;
  readonly next_ord: number;
  readonly head: string;
  readonly crc: number;
}

/** A stored value row (`job_maps`, `job_lists`, `job_tasks`). */
export interface ValueRow {
  readonly field: string;
  readonly key: string;
  readonly value: string;
  readonly crc: number;
}

/** A lease row. */
export interface LeaseRow {
  readonly owner: string | null;
  readonly fence: number;
  readonly expires_at: number;
}

const FINISHED = "('completed', 'failed', 'cancelled')";

/** Every statement the store runs, prepared once when the store opens. */
export class Statements {
  readonly insertJob: Database.Statement;
  readonly updateJob: Database.Statement;
  readonly setFlow: Database.Statement;
  readonly head: Database.Statement;
  readonly jobSeq: Database.Statement;
  readonly upsertMap: Database.Statement;
  readonly deleteMapKey: Database.Statement;
  readonly deleteMapField: Database.Statement;
  readonly insertList: Database.Statement;
  readonly maxListIdx: Database.Statement;
  readonly trimList: Database.Statement;
  readonly deleteListField: Database.Statement;
  readonly insertTask: Database.Statement;
  readonly deleteTask: Database.Statement;
  readonly insertCommit: Database.Statement;
  readonly maps: Database.Statement;
  readonly lists: Database.Statement;
  readonly tasks: Database.Statement;
  readonly deleteJobRows: (jobId: string) => void;
  readonly deleteDocumentRows: (jobId: string) => void;
  readonly lease: Database.Statement;
  readonly upsertLease: Database.Statement;
  readonly releaseLease: Database.Statement;
  readonly upsertFlow: Database.Statement;
  readonly deleteFlow: Database.Statement;
  readonly flows: Database.Statement;
  readonly unfinished: Database.Statement;
  readonly finishedBeyond: Database.Statement;
  readonly finishedBefore: Database.Statement;
  readonly summary: string;
  readonly #db: Database.Database;
  readonly #pages = new Map<string, Database.Statement>();

  constructor(db: Database.Database) {
    this.#db = db;
    this.insertJob = db.prepare(
      'INSERT INTO jobs (job_id, flow_id, flow, status, created_at, updated_at, updated_ms, next_pos, next_ord, head, crc) VALUES (@jobId, @flowId, @flow, @status, @createdAt, @updatedAt, @updatedMs, @nextPos, @nextOrd, @head, @crc)',
    );
    this.updateJob = db.prepare(
      'UPDATE jobs SET flow_id = @flowId, status = @status, created_at = @createdAt, updated_at = @updatedAt, updated_ms = @updatedMs, next_pos = @nextPos, next_ord = @nextOrd, head = @head, crc = @crc WHERE seq = @seq',
    );
    this.setFlow = db.prepare('UPDATE jobs SET flow = ? WHERE seq = ?');
    this.head = db.prepare('SELECT seq, flow, status, next_pos, next_ord, head, crc FROM jobs WHERE job_id = ?');
    this.jobSeq = db.prepare('SELECT seq, status FROM jobs WHERE job_id = ?');
    this.upsertMap = db.prepare(
      'INSERT INTO job_maps (job_id, field, key, ord, value, crc) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (job_id, field, key) DO UPDATE SET value = excluded.value, crc = excluded.crc',
    );
    this.deleteMapKey = db.prepare('DELETE FROM job_maps WHERE job_id = ? AND field = ? AND key = ?');
    this.deleteMapField = db.prepare('DELETE FROM job_maps WHERE job_id = ? AND field = ?');
    this.insertList = db.prepare('INSERT INTO job_lists (job_id, field, idx, value, crc) VALUES (?, ?, ?, ?, ?)');
    this.maxListIdx = db.prepare('SELECT max(idx) AS m FROM job_lists WHERE job_id = ? AND field = ?').pluck();
    this.trimList = db.prepare('DELETE FROM job_lists WHERE job_id = ? AND field = ? AND idx <= ?');
    this.deleteListField = db.prepare('DELETE FROM job_lists WHERE job_id = ? AND field = ?');
    this.insertTask = db.prepare('INSERT INTO job_tasks (job_id, task_id, pos, value, crc) VALUES (?, ?, ?, ?, ?)');
    this.deleteTask = db.prepare('DELETE FROM job_tasks WHERE job_id = ? AND task_id = ?');
    this.insertCommit = db.prepare('INSERT OR IGNORE INTO job_commits (job_id, task_id, attempt) VALUES (?, ?, ?)');
    this.maps = db.prepare('SELECT field, key, value, crc FROM job_maps WHERE job_id = ? ORDER BY field, ord');
    this.lists = db.prepare("SELECT field, '' AS key, value, crc FROM job_lists WHERE job_id = ? ORDER BY field, idx");
    this.tasks = db.prepare("SELECT 'pendingTasks' AS field, task_id AS key, value, crc FROM job_tasks WHERE job_id = ? ORDER BY pos");
    const del = ['job_maps', 'job_lists', 'job_tasks', 'job_commits', 'job_leases', 'jobs'].map((t) => db.prepare(`DELETE FROM ${t} WHERE job_id = ?`));
    this.deleteJobRows = (jobId: string): void => {
      for (const s of del) s.run(jobId);
    };
    const delDoc = ['job_maps', 'job_lists', 'job_tasks'].map((t) => db.prepare(`DELETE FROM ${t} WHERE job_id = ?`));
    this.deleteDocumentRows = (jobId: string): void => {
      for (const s of delDoc) s.run(jobId);
    };
    this.lease = db.prepare('SELECT owner, fence, expires_at FROM job_leases WHERE job_id = ?');
    this.upsertLease = db.prepare(
      'INSERT INTO job_leases (job_id, owner, fence, expires_at) VALUES (?, ?, ?, ?) ON CONFLICT (job_id) DO UPDATE SET owner = excluded.owner, fence = excluded.fence, expires_at = excluded.expires_at',
    );
    this.releaseLease = db.prepare('UPDATE job_leases SET owner = NULL, expires_at = 0 WHERE job_id = ? AND fence = ?');
    this.upsertFlow = db.prepare('INSERT INTO flows (name, document, crc) VALUES (?, ?, ?) ON CONFLICT (name) DO UPDATE SET document = excluded.document, crc = excluded.crc');
    this.deleteFlow = db.prepare('DELETE FROM flows WHERE name = ?');
    this.flows = db.prepare('SELECT name, document, crc FROM flows ORDER BY name');
    this.unfinished = db.prepare(`SELECT job_id FROM jobs WHERE status NOT IN ${FINISHED} ORDER BY seq`).pluck();
    this.finishedBeyond = db.prepare(`SELECT job_id FROM jobs WHERE status IN ${FINISHED} ORDER BY updated_ms DESC, seq DESC LIMIT -1 OFFSET ?`).pluck();
    this.finishedBefore = db.prepare(`SELECT job_id FROM jobs WHERE status IN ${FINISHED} AND updated_ms < ?`).pluck();
    this.summary = 'job_id AS jobId, flow_id AS flowId, flow, status, created_at AS createdAt, updated_at AS updatedAt, seq';
  }

  /** The page query for one combination of filters (prepared on first use). */
  page(status: boolean, flow: boolean, after: boolean): Database.Statement {
    const key = `${status}${flow}${after}`;
    let st = this.#pages.get(key);
    if (st === undefined) {
      const where = [status ? 'status = @status' : '', flow ? 'flow = @flow' : '', after ? '(created_at < @createdAt OR (created_at = @createdAt AND seq < @seq))' : ''].filter((w) => w !== '');
      st = this.#db.prepare(`SELECT ${this.summary} FROM jobs ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY created_at DESC, seq DESC LIMIT @limit`);
      this.#pages.set(key, st);
    }
    return st;
  }
}
