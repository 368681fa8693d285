// routilux/bullmq — distributed execution on BullMQ and Redis: DistributedRuntime (the
// Runtime's job API, async) and startWorker, on the Redis job store, the event stream
// across processes and per-job control mailboxes (bullmq and ioredis, optional peers).
export { RedisJobStore, RedisEventBridge, RedisControlChannel } from '../store-redis/index.js';
export type { RedisJobStoreOptions, RedisConnection, RedisSettingsReport, RedisEventBridgeOptions, RedisEventSubscription, RoutiluxEventSource, RedisControlChannelOptions } from '../store-redis/index.js';
export { DistributedRuntime } from './distributed-runtime.js';
export type { DistributedRuntimeOptions, DistributedExecOptions } from './distributed-runtime.js';
export { startWorker } from './worker.js';
export type { WorkerOptions, DistributedWorker } from './worker.js';
export type { DistributedConnection } from './connection.js';
