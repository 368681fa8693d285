import type { FastifyInstance } from 'fastify';
import type { ServerContext } from '../context.js';
import { HttpError } from '../http-errors.js';
import { anyObject, errors, historyQuery, idParams, jobSummarySchema, postBody } from '../schemas.js';
import { namesByFlowId, requireJob, summarize } from '../summary.js';
import { assertDepth } from './jobs.js';

type IdRoute = { Params: { id: string } };

/** Routes on one job: summary, state, history, post, pause, resume, cancel. @internal */
export function jobControlRoutes(app: FastifyInstance, ctx: ServerContext): void {
  const summaryOf = (id: string) => {
    const job = requireJob(ctx.runtime, id);
    return summarize(job, namesByFlowId(ctx.registry).get(job.flowId));
  };
  const summaryResponse = (...statuses: number[]) => ({ 200: jobSummarySchema, ...errors(404, ...statuses) });

  app.get<IdRoute>('/jobs/:id', { schema: { summary: 'A job summary', params: idParams, response: summaryResponse() } }, async (request) => summaryOf(request.params.id));

  app.get<IdRoute>('/jobs/:id/state', {
    schema: { summary: 'The job state (jobState.serialize())', params: idParams, response: { 200: anyObject, ...errors(404) } },
  }, async (request) => requireJob(ctx.runtime, request.params.id).serialize());

  app.get<IdRoute & { Querystring: { offset: number; limit: number } }>('/jobs/:id/history', {
    schema: {
      summary: 'Execution history, oldest first',
      params: idParams,
      querystring: historyQuery,
      response: { 200: { type: 'object', required: ['items', 'total', 'dropped'], properties: { items: { type: 'array', items: anyObject }, total: { type: 'integer' }, dropped: { type: 'integer' } } }, ...errors(404) },
    },
  }, async (request) => {
    const job = requireJob(ctx.runtime, request.params.id);
    const history = job.executionHistory;
    const { offset, limit } = request.query;
    return { items: history.slice(offset, offset + limit), total: history.length, dropped: job.historyDropped };
  });

  app.post<IdRoute & { Body: { routineId: string; slot: string; data: Record<string, unknown> } }>('/jobs/:id/post', {
    schema: {
      summary: "Deliver data to a slot of a running or paused job",
      params: idParams,
      body: postBody,
      response: { 202: { type: 'object', required: ['jobId'], properties: { jobId: { type: 'string' } } }, ...errors(404, 409, 413, 415) },
    },
  }, async (request, reply) => {
    const job = requireJob(ctx.runtime, request.params.id);
    const { routineId, slot, data } = request.body;
    assertDepth(data, 'data');
    ctx.runtime.post(namesByFlowId(ctx.registry).get(job.flowId) ?? job.flowId, routineId, slot, data, { jobId: job.jobId });
    reply.code(202);
    return { jobId: job.jobId };
  });

  app.post<IdRoute>('/jobs/:id/pause', { schema: { summary: 'Pause a job; answers once it is paused', params: idParams, response: summaryResponse(409) } }, async (request) => {
    const job = requireJob(ctx.runtime, request.params.id);
    if (job.status !== 'paused') await ctx.runtime.pauseJob(job.jobId);
    return summaryOf(job.jobId);
  });

  app.post<IdRoute>('/jobs/:id/resume', { schema: { summary: 'Resume a paused job; answers once it runs again', params: idParams, response: summaryResponse(409) } }, async (request) => {
    const job = requireJob(ctx.runtime, request.params.id);
    if (job.isFinished) throw new HttpError('JOB_FINISHED', `Job ${job.jobId} is already ${job.status}; start a new job instead.`, { jobId: job.jobId, status: job.status });
    if (job.status !== 'paused') throw new HttpError('NOT_PAUSED', `Job ${job.jobId} is ${job.status}, not paused; only a paused job can be resumed.`, { jobId: job.jobId, status: job.status });
    // resumeJob resolves when the job stops running again; the answer is due once it runs
    const settled = ctx.runtime.resumeJob(job.jobId);
    settled.catch(() => undefined);
    if (job.status === 'paused') await settled; // the resume failed synchronously: surface its error
    return summaryOf(job.jobId);
  });

  app.post<IdRoute>('/jobs/:id/cancel', { schema: { summary: 'Cancel a job (again on a cancelled job: 200)', params: idParams, response: summaryResponse(409) } }, async (request) => {
    const job = requireJob(ctx.runtime, request.params.id);
    if (job.status === 'completed' || job.status === 'failed') throw new HttpError('JOB_FINISHED', `Job ${job.jobId} is already ${job.status}; a finished job cannot be cancelled.`, { jobId: job.jobId, status: job.status });
    if (job.status !== 'cancelled') await ctx.runtime.cancelJob(job.jobId, 'cancelled over HTTP');
    return summaryOf(job.jobId);
  });
}
