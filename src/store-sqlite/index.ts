// routilux/store-sqlite — the embedded durable job store (better-sqlite3, an optional peer dependency).
export { SqliteJobStore } from './sqlite-job-store.js';
export type { SqliteJobStoreOptions } from './sqlite-job-store.js';
export type { SqliteSynchronous } from './open-database.js';
export { SQLITE_SCHEMA_VERSION, MIGRATIONS } from './schema.js';
export type { Migration } from './schema.js';
