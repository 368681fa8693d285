// The Redis job store of routilux/bullmq (ioredis, an optional peer dependency).
export { RedisJobStore } from './redis-job-store.js';
export type { RedisJobStoreOptions } from './redis-job-store.js';
export type { RedisConnection } from './connection.js';
export type { RedisSettingsReport } from './settings.js';
export { RedisEventBridge } from './event-bridge.js';
export type { RedisEventBridgeOptions, RedisEventSubscription, RoutiluxEventSource } from './event-bridge.js';
export { RedisControlChannel } from './control-channel.js';
export type { RedisControlChannelOptions } from './control-channel.js';
