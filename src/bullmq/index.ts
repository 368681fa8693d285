// routilux/bullmq — distributed execution on Redis: the Redis job store (ioredis, an optional peer dependency).
export { RedisJobStore } from '../store-redis/index.js';
export type { RedisJobStoreOptions, RedisConnection, RedisSettingsReport } from '../store-redis/index.js';
