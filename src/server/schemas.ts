// JSON Schemas of the routes: requests are validated against them before a handler runs,
// responses are serialized through them, and the OpenAPI document is generated from them.

const NAME = { type: 'string', pattern: '^[A-Za-z0-9_][A-Za-z0-9_.:-]{0,127}$' } as const;
const ID = { type: 'string', minLength: 1, maxLength: 128 } as const;
const ANY_OBJECT = { type: 'object', additionalProperties: true } as const;

/** `{ error: { code, message, details? } }` @internal */
export const errorSchema = {
  type: 'object',
  required: ['error'],
  properties: {
    error: {
      type: 'object',
      required: ['code', 'message'],
      properties: { code: { type: 'string' }, message: { type: 'string' }, details: ANY_OBJECT },
    },
  },
} as const;

/** Error responses every protected route can give. @internal */
export function errors(...statuses: number[]): Record<number, typeof errorSchema> {
  const out: Record<number, typeof errorSchema> = {};
  for (const s of [400, 401, 429, 500, ...statuses]) out[s] = errorSchema;
  return out;
}

/** @internal */
export const jobSummarySchema = {
  type: 'object',
  required: ['jobId', 'flow', 'flowId', 'status', 'createdAt', 'updatedAt', 'routineStates', 'counts'],
  properties: {
    jobId: { type: 'string' },
    flow: { type: ['string', 'null'] },
    flowId: { type: 'string' },
    status: { type: 'string', enum: ['pending', 'running', 'paused', 'completed', 'failed', 'cancelled'] },
    createdAt: { type: 'string', format: 'date-time' },
    updatedAt: { type: 'string', format: 'date-time' },
    error: { type: 'object', required: ['code', 'message'], properties: { code: { type: 'string' }, message: { type: 'string' }, routineId: { type: 'string' } } },
    routineStates: ANY_OBJECT,
    counts: {
      type: 'object',
      required: ['queued', 'running', 'activations', 'failed'],
      properties: { queued: { type: 'integer' }, running: { type: 'integer' }, activations: { type: 'integer' }, failed: { type: 'integer' } },
    },
  },
} as const;

/** @internal */
export const breakpointSpecSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['routineId'],
  properties: { routineId: NAME, slot: NAME, condition: { type: 'string', minLength: 1, maxLength: 1024 } },
} as const;

/** @internal */
export const breakpointSchema = {
  type: 'object',
  required: ['id', 'routineId', 'hits'],
  properties: { id: { type: 'string' }, routineId: { type: 'string' }, slot: { type: 'string' }, condition: { type: 'string' }, hits: { type: 'integer' } },
} as const;

/** @internal */
export const nameParams = { type: 'object', required: ['name'], additionalProperties: false, properties: { name: NAME } } as const;
/** @internal */
export const idParams = { type: 'object', required: ['id'], additionalProperties: false, properties: { id: ID } } as const;
/** @internal */
export const breakpointParams = { type: 'object', required: ['id', 'bp'], additionalProperties: false, properties: { id: ID, bp: ID } } as const;

/** @internal */
export const startJobBody = {
  type: 'object',
  additionalProperties: false,
  properties: {
    entryRoutineId: NAME,
    entryParams: ANY_OBJECT,
    timeout: { type: 'integer', minimum: 1, maximum: 2_147_483_647 },
    wait: { type: 'integer', minimum: 0, maximum: 300_000 },
    breakpoints: { type: 'array', maxItems: 100, items: breakpointSpecSchema },
  },
} as const;

/** @internal */
export const postBody = {
  type: 'object',
  additionalProperties: false,
  required: ['routineId', 'slot', 'data'],
  properties: { routineId: NAME, slot: NAME, data: ANY_OBJECT },
} as const;

/** @internal */
export const registerFlowBody = {
  type: 'object',
  additionalProperties: false,
  required: ['name', 'document'],
  properties: { name: NAME, document: ANY_OBJECT },
} as const;

/** @internal */
export const listJobsQuery = {
  type: 'object',
  additionalProperties: false,
  properties: {
    flow: NAME,
    status: jobSummarySchema.properties.status,
    limit: { type: 'integer', minimum: 1, maximum: 500, default: 50 },
    cursor: { type: 'string', minLength: 1, maxLength: 512 },
  },
} as const;

/** @internal */
export const historyQuery = {
  type: 'object',
  additionalProperties: false,
  properties: { offset: { type: 'integer', minimum: 0, default: 0 }, limit: { type: 'integer', minimum: 1, maximum: 1000, default: 100 } },
} as const;

/** @internal */
export const anyObject = ANY_OBJECT;

/** @internal */
export const flowItemSchema = {
  type: 'object',
  required: ['name', 'flowId', 'routines', 'connections'],
  properties: { name: { type: 'string' }, flowId: { type: 'string' }, routines: { type: 'integer' }, connections: { type: 'integer' } },
} as const;
