import type { FastifyInstance } from 'fastify';
import type { ServerContext } from '../context.js';
import type { BreakpointSpec } from '../../index.js';
import { breakpointParams, breakpointSchema, breakpointSpecSchema, errors, idParams } from '../schemas.js';
import { requireJob } from '../summary.js';

type IdRoute = { Params: { id: string } };

/** Breakpoints and step (services.md §2) of the server's runtime. @internal */
export function debugRoutes(app: FastifyInstance, ctx: ServerContext): void {
  app.post<IdRoute & { Body: BreakpointSpec }>('/jobs/:id/breakpoints', {
    schema: { summary: 'Add a breakpoint to a job', params: idParams, body: breakpointSpecSchema, response: { 201: breakpointSchema, ...errors(404, 409, 415) } },
  }, async (request, reply) => {
    const job = requireJob(ctx.runtime, request.params.id);
    const bp = ctx.runtime.addBreakpoint(job.jobId, request.body);
    reply.code(201);
    return bp;
  });

  app.get<IdRoute>('/jobs/:id/breakpoints', {
    schema: { summary: "A job's breakpoints", params: idParams, response: { 200: { type: 'object', required: ['items'], properties: { items: { type: 'array', items: breakpointSchema } } }, ...errors(404) } },
  }, async (request) => {
    const job = requireJob(ctx.runtime, request.params.id);
    return { items: ctx.runtime.listBreakpoints(job.jobId) };
  });

  app.delete<{ Params: { id: string; bp: string } }>('/jobs/:id/breakpoints/:bp', {
    schema: { summary: 'Remove a breakpoint', params: breakpointParams, response: { 204: { type: 'null' }, ...errors(404, 409) } },
  }, async (request, reply) => {
    const job = requireJob(ctx.runtime, request.params.id);
    ctx.runtime.removeBreakpoint(job.jobId, request.params.bp);
    reply.code(204);
  });

  app.post<IdRoute>('/jobs/:id/step', {
    schema: { summary: 'Run exactly the next pending activation of a paused job', params: idParams, response: { 200: { type: 'object', required: ['taskId'], properties: { taskId: { type: ['string', 'null'] } } }, ...errors(404, 409) } },
  }, async (request) => {
    const job = requireJob(ctx.runtime, request.params.id);
    return ctx.runtime.step(job.jobId);
  });
}
