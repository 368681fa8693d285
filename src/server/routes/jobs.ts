import type { FastifyInstance, FastifyRequest } from 'fastify';
import { JobState, type BreakpointSpec, type JobState as Job } from '../../index.js';
import type { ServerContext } from '../context.js';
import { HttpError } from '../http-errors.js';
import { depthOver } from '../forbidden-keys.js';
import { IdempotencyStore } from '../idempotency.js';
import { errors, jobSummarySchema, listJobsQuery, nameParams, startJobBody } from '../schemas.js';
import { namesByFlowId, summarize } from '../summary.js';
import { identityOf } from '../request-identity.js';
import { decodeCursor, encodeCursor, newestFirst } from '../cursor.js';

/** Deepest JSON data accepted in a body (services.md §1 default maxPayloadDepth). @internal */
export const MAX_DEPTH = 64;

interface StartBody {
  entryRoutineId?: string;
  entryParams?: Record<string, unknown>;
  timeout?: number;
  wait?: number;
  breakpoints?: BreakpointSpec[];
}

/** Rejects data nested deeper than the default limit. @internal */
export function assertDepth(value: unknown, where: string): void {
  const path = depthOver(value, MAX_DEPTH);
  if (path !== undefined) throw new HttpError('DEPTH_EXCEEDED', `${where} is nested deeper than ${MAX_DEPTH} levels (at ${path}); flatten the data.`, { limit: MAX_DEPTH, path });
}

/** Waits until the job is no longer running, `ms` elapsed, or the server closes. */
function waitFor(ctx: ServerContext, job: Job, ms: number): Promise<void> {
  if (ms === 0 || ctx.closing.aborted) return Promise.resolve();
  return new Promise<void>((resolve) => {
    const undo = ctx.closing.onClose(resolve);
    const done = (): void => {
      undo();
      resolve();
    };
    JobState.waitForCompletion({ flowId: job.flowId }, job, { timeout: ms }).then(done, done);
  });
}

/** Job routes: start (with Idempotency-Key and wait) and list. @internal */
export function jobRoutes(app: FastifyInstance, ctx: ServerContext): void {
  app.post<{ Params: { name: string }; Body: StartBody | undefined }>('/flows/:name/jobs', {
    schema: {
      summary: 'Start a job of a flow (wait ≤ 300000 ms for it to finish)',
      params: nameParams,
      headers: { type: 'object', properties: { 'idempotency-key': { type: 'string', minLength: 1, maxLength: 255 } } },
      body: startJobBody,
      response: { 200: jobSummarySchema, 201: jobSummarySchema, ...errors(404, 409, 413, 415, 422) },
    },
  }, async (request: FastifyRequest<{ Params: { name: string }; Body: StartBody | undefined }>, reply) => {
    const name = request.params.name;
    const body = request.body ?? {};
    const flow = ctx.registry.getByName(name);
    if (flow === undefined) throw new HttpError('UNKNOWN_FLOW', `No flow is registered as "${name}"; register it with POST /api/v1/flows.`, { name });
    const idemKey = request.headers['idempotency-key'];
    const identity = identityOf(request);
    const scope = identity.kind === 'key' ? `key:${identity.keyId}` : 'anonymous';
    const { wait, ...startFields } = body;
    if (typeof idemKey === 'string') {
      const digest = IdempotencyStore.digest(startFields);
      const earlier = ctx.idempotency.lookup(scope, name, idemKey);
      if (earlier !== undefined) {
        if (earlier.bodyDigest !== digest) throw new HttpError('IDEMPOTENCY_MISMATCH', 'This Idempotency-Key was already used for this flow with a different body; use a new key for a different request.', { jobId: earlier.jobId });
        const job = ctx.runtime.getJob(earlier.jobId)!;
        if (wait !== undefined) await waitFor(ctx, job, wait);
        reply.code(200);
        return summarize(job, name);
      }
    }
    if (body.entryParams !== undefined) assertDepth(body.entryParams, 'entryParams');
    const options: Record<string, unknown> = {};
    if (body.entryRoutineId !== undefined) options.entryRoutineId = body.entryRoutineId;
    if (body.entryParams !== undefined) options.entryParams = body.entryParams;
    if (body.timeout !== undefined) options.timeout = body.timeout;
    if (body.breakpoints !== undefined && body.breakpoints.length > 0) options.breakpoints = body.breakpoints;
    const job = ctx.runtime.exec(name, options);
    if (typeof idemKey === 'string') ctx.idempotency.remember(scope, name, idemKey, IdempotencyStore.digest(startFields), job.jobId);
    if (wait === undefined) {
      reply.code(201);
      return summarize(job, name);
    }
    await waitFor(ctx, job, wait);
    reply.code(200);
    return summarize(job, name);
  });

  app.get<{ Querystring: { flow?: string; status?: string; limit: number; cursor?: string } }>('/jobs', {
    schema: {
      summary: 'Jobs, newest first, with cursor pagination',
      querystring: listJobsQuery,
      response: { 200: { type: 'object', required: ['items', 'nextCursor'], properties: { items: { type: 'array', items: jobSummarySchema }, nextCursor: { type: ['string', 'null'] } } }, ...errors() },
    },
  }, async (request) => {
    const { flow, status, limit, cursor } = request.query;
    const after = cursor === undefined ? undefined : decodeCursor(cursor);
    const names = namesByFlowId(ctx.registry);
    let flowId: string | undefined;
    if (flow !== undefined) {
      flowId = ctx.registry.getByName(flow)?.flowId;
      if (flowId === undefined) return { items: [], nextCursor: null };
    }
    const jobs = ctx.runtime.listJobs().filter((j) => (flowId === undefined || j.flowId === flowId) && (status === undefined || j.status === status));
    const page = newestFirst(jobs, after, limit);
    return {
      items: page.items.map((j) => summarize(j, names.get(j.flowId))),
      nextCursor: page.more ? encodeCursor(page.items[page.items.length - 1]!) : null,
    };
  });
}
