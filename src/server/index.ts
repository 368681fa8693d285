// routilux/server — the HTTP API and WebSocket (services.md §5).
export { createServer, API_PREFIX } from './server.js';
export type { RoutiluxServer } from './server.js';
export type { ServerOptions, PinoCompatibleLogger } from './options.js';
export type { JobSummary } from './summary.js';
export type { ErrorBody } from './http-errors.js';
export type { RoutineDescription } from './routines-catalog.js';
