// routilux/nest — NestJS integration. The only part of routilux that imports @nestjs/*.
export { RoutiluxModule } from './routilux.module.js';
export { RoutiluxExplorer } from './routilux-explorer.service.js';
export type { DiscoveredRoutine } from './routilux-explorer.service.js';
export { JobScope, JOB_REQUEST } from './job-scope.service.js';
export type { JobRequest } from './job-scope.service.js';
export { InjectFlow, InjectRuntime } from './routilux.decorators.js';
export { ROUTILUX_MODULE_OPTIONS, getFlowToken } from './routilux.constants.js';
export type { RoutiluxModuleOptions, RoutiluxRootOptions, RoutiluxModuleAsyncOptions, RoutiluxFeatureOptions } from './routilux-options.interface.js';
export { RoutiluxHttpModule } from './http/routilux-http.module.js';
export type { RoutiluxHttpOptions } from './http/routilux-http-options.js';
