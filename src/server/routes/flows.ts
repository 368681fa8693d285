import type { FastifyInstance } from 'fastify';
import { Flow, isRoutiluxError, type Flow as FlowType, type StoredJson } from '../../index.js';
import type { ServerContext } from '../context.js';
import { diagramOf } from '../engine-seam.js';
import { HttpError } from '../http-errors.js';
import { anyObject, errors, flowItemSchema, nameParams, registerFlowBody } from '../schemas.js';

function requireFlow(ctx: ServerContext, name: string): FlowType {
  const flow = ctx.registry.getByName(name);
  if (flow === undefined) throw new HttpError('UNKNOWN_FLOW', `No flow is registered as "${name}"; list flows with GET /api/v1/flows or register one with POST /api/v1/flows.`, { name });
  return flow;
}

function assertFree(ctx: ServerContext, name: string): void {
  if (ctx.registry.getByName(name) !== undefined) throw new HttpError('DUPLICATE_FLOW_NAME', `A flow is already registered as "${name}"; delete it first or pick another name.`, { name });
}

/** A store call; a failing store is 503 STORE_UNAVAILABLE. */
async function storeCall<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (cause) {
    if (isRoutiluxError(cause) && cause.code !== 'STORE_UNAVAILABLE') throw cause;
    throw new HttpError('STORE_UNAVAILABLE', 'The job store did not answer; the flow was not changed. Retry when the store is back.');
  }
}

/** Flow routes: list, register (JSON or YAML), read, delete, validate, diagram. @internal */
export function flowRoutes(app: FastifyInstance, ctx: ServerContext): void {
  app.get('/flows', {
    schema: { summary: 'List registered flows', response: { 200: { type: 'object', required: ['items'], properties: { items: { type: 'array', items: flowItemSchema } } }, ...errors() } },
  }, async () => {
    const items = [];
    for (const entry of ctx.registry.list()) {
      for (const name of entry.names) items.push({ name, flowId: entry.flowId, routines: entry.flow.routines.size, connections: entry.flow.connections.length });
    }
    items.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    return { items };
  });

  app.post<{ Body: { name?: string; document?: unknown } | string; Querystring: { name?: string } }>('/flows', {
    config: { yaml: true },
    schema: {
      summary: 'Register a flow from a JSON { name, document } body, or a YAML document with ?name=',
      querystring: { type: 'object', additionalProperties: false, properties: { name: nameParams.properties.name } },
      body: {
        content: {
          'application/json': { schema: registerFlowBody },
          'application/yaml': { schema: { type: 'string' } },
          'application/x-yaml': { schema: { type: 'string' } },
          'text/yaml': { schema: { type: 'string' } },
        },
      },
      response: { 201: { type: 'object', required: ['name', 'flowId'], properties: { name: { type: 'string' }, flowId: { type: 'string' } } }, ...errors(409, 413, 415, 503) },
    },
  }, async (request, reply) => {
    const yamlText = typeof request.body === 'string' ? request.body : undefined;
    let name: string;
    let flow: FlowType;
    if (yamlText !== undefined) {
      if (request.query.name === undefined) throw new HttpError('INVALID_ARGUMENT', 'A YAML flow document needs the flow name in the query: POST /api/v1/flows?name=<name>.', { issues: [{ path: '/name', message: 'is required' }] });
      name = request.query.name;
      assertFree(ctx, name);
      flow = Flow.fromYAML(yamlText); // size, syntax (core schema), forbidden keys, schema, types, connections
    } else {
      const body = request.body as { name: string; document: unknown };
      if (request.query.name !== undefined) throw new HttpError('INVALID_ARGUMENT', 'With a JSON body the name goes in the body ({ name, document }), not in the query.');
      name = body.name;
      assertFree(ctx, name);
      flow = Flow.deserialize(body.document);
    }
    if (ctx.store !== undefined) {
      const store = ctx.store;
      await storeCall(() => store.putFlow(name, flow.serialize() as unknown as StoredJson));
    }
    ctx.registry.registerByName(name, flow);
    reply.code(201);
    return { name, flowId: flow.flowId };
  });

  app.get<{ Params: { name: string } }>('/flows/:name', {
    schema: { summary: 'A flow document', params: nameParams, response: { 200: { type: 'object', required: ['name', 'document'], properties: { name: { type: 'string' }, document: anyObject } }, ...errors(404) } },
  }, async (request) => ({ name: request.params.name, document: requireFlow(ctx, request.params.name).serialize() }));

  app.delete<{ Params: { name: string } }>('/flows/:name', {
    schema: { summary: 'Unregister a flow (409 while it has unfinished jobs)', params: nameParams, response: { 204: { type: 'null' }, ...errors(404, 409, 503) } },
  }, async (request, reply) => {
    const name = request.params.name;
    const flow = requireFlow(ctx, name);
    const unfinished = ctx.runtime.listJobs().filter((j) => j.flowId === flow.flowId && !j.isFinished).length;
    if (unfinished > 0) throw new HttpError('FLOW_IN_USE', `Flow "${name}" has ${unfinished} unfinished job(s) (running or paused); cancel them or wait for them to finish, then delete it.`, { name, jobs: unfinished });
    if (ctx.store !== undefined) {
      const store = ctx.store;
      await storeCall(() => store.deleteFlow(name));
    }
    ctx.registry.unregisterByName(name);
    reply.code(204);
  });

  app.post<{ Params: { name: string } }>('/flows/:name/validate', {
    schema: {
      summary: "A flow's validation issues",
      params: nameParams,
      response: {
        200: {
          type: 'object',
          required: ['issues'],
          properties: { issues: { type: 'array', items: { type: 'object', required: ['severity', 'code', 'message'], properties: { severity: { type: 'string' }, code: { type: 'string' }, message: { type: 'string' }, routineId: { type: 'string' }, details: anyObject } } } },
        },
        ...errors(404),
      },
    },
  }, async (request) => ({ issues: requireFlow(ctx, request.params.name).validate() }));

  app.get<{ Params: { name: string }; Querystring: { format: 'mermaid' | 'd2' } }>('/flows/:name/diagram', {
    schema: {
      summary: 'The flow as a Mermaid or D2 diagram (text/plain)',
      params: nameParams,
      querystring: { type: 'object', additionalProperties: false, properties: { format: { type: 'string', enum: ['mermaid', 'd2'], default: 'mermaid' } } },
      response: { 200: { type: 'string' }, ...errors(404) },
    },
  }, async (request, reply) => {
    const text = diagramOf(requireFlow(ctx, request.params.name), request.query.format);
    reply.type('text/plain; charset=utf-8');
    return text;
  });
}

/** Registers the flow documents kept in the store (on listen). @internal */
export async function restoreFlows(ctx: ServerContext, warn: (message: string) => void): Promise<void> {
  if (ctx.store === undefined) return;
  for (const { name, document } of await ctx.store.listFlows()) {
    if (ctx.registry.getByName(name) !== undefined) continue;
    try {
      ctx.registry.registerByName(name, Flow.deserialize(document));
    } catch (error) {
      warn(`stored flow "${name}" was not registered: ${isRoutiluxError(error) ? `${error.code}: ${error.message}` : 'unreadable document'}`);
    }
  }
}
