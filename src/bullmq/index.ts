// routilux/bullmq — distributed execution on Redis: the Redis job store and the event
// stream across processes (ioredis, an optional peer dependency).
export { RedisJobStore, RedisEventBridge } from '../store-redis/index.js';
export type { RedisJobStoreOptions, RedisConnection, RedisSettingsReport, RedisEventBridgeOptions, RedisEventSubscription, RoutiluxEventSource } from '../store-redis/index.js';
