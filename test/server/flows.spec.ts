import { afterEach, describe, expect, it } from 'vitest';
import type { JobStore } from '../../src/index.js';
import { auth, gates, openGates, pipelineDocument, testServer, type TestServer } from './fixtures.js';

let t: TestServer | undefined;
afterEach(async () => {
  openGates();
  await t?.server.close();
  await t?.runtime.shutdown();
  t = undefined;
});

const json = { ...auth, 'content-type': 'application/json' };

const YAML = `
version: 1
flowId: yaml-flow
executionStrategy: sequential
maxWorkers: 1
executionTimeout: 300000
routines:
  src: { type: srv.source, config: {} }
  double: { type: srv.double, config: {} }
connections:
  - { sourceRoutineId: src, sourceEvent: out, targetRoutineId: double, targetSlot: in }
`;

describe('flow routes', () => {
  it('GET /flows lists registered flows with counts', async () => {
    t = testServer();
    const r = await t.server.inject({ url: '/api/v1/flows', headers: auth });
    expect(r.statusCode).toBe(200);
    expect(r.json()).toEqual({
      items: [
        { name: 'gate', flowId: 'gate-doc', routines: 2, connections: 1 },
        { name: 'pipeline', flowId: 'pipeline-doc', routines: 3, connections: 2 },
      ],
    });
  });

  it('POST /flows registers a JSON document → 201, builds only registered types, refuses duplicates', async () => {
    t = testServer();
    const document = { ...pipelineDocument(), flowId: 'copy' };
    const r = await t.server.inject({ method: 'POST', url: '/api/v1/flows', headers: json, payload: { name: 'copy', document } });
    expect(r.statusCode).toBe(201);
    expect(r.json()).toEqual({ name: 'copy', flowId: 'copy' });
    const again = await t.server.inject({ method: 'POST', url: '/api/v1/flows', headers: json, payload: { name: 'copy', document } });
    expect(again.statusCode).toBe(409);
    expect(again.json().error.code).toBe('DUPLICATE_FLOW_NAME');
    const unknownType = await t.server.inject({ method: 'POST', url: '/api/v1/flows', headers: json, payload: { name: 'evil', document: { ...document, flowId: 'evil', routines: { a: { type: 'child_process.exec', config: {} } }, connections: [] } } });
    expect(unknownType.statusCode).toBe(400);
    expect(unknownType.json().error.code).toBe('UNKNOWN_ROUTINE_TYPE');
    const dangling = await t.server.inject({ method: 'POST', url: '/api/v1/flows', headers: json, payload: { name: 'dangling', document: { ...document, flowId: 'd', connections: [{ sourceRoutineId: 'src', sourceEvent: 'out', targetRoutineId: 'nope', targetSlot: 'in' }] } } });
    expect(dangling.statusCode).toBe(400);
    expect(dangling.json().error.code).toBe('UNKNOWN_ROUTINE');
    const future = await t.server.inject({ method: 'POST', url: '/api/v1/flows', headers: json, payload: { name: 'future', document: { ...document, flowId: 'f', version: 99 } } });
    expect(future.json().error.code).toBe('UNSUPPORTED_VERSION');
    const badName = await t.server.inject({ method: 'POST', url: '/api/v1/flows', headers: json, payload: { name: '../etc', document } });
    expect(badName.statusCode).toBe(400);
    expect(badName.json().error.code).toBe('INVALID_ARGUMENT');
    expect(badName.json().error.details.issues[0].path).toBe('/name');
    const extra = await t.server.inject({ method: 'POST', url: '/api/v1/flows', headers: json, payload: { name: 'x', document, more: 1 } });
    expect(extra.statusCode).toBe(400);
    expect(extra.json().error.details.issues).toEqual([{ path: '/more', message: expect.stringContaining('unknown key') }]);
    const missing = await t.server.inject({ method: 'POST', url: '/api/v1/flows', headers: json, payload: {} });
    expect(missing.json().error.details.issues.map((i: { path: string }) => i.path).sort()).toEqual(['/document', '/name']);
  });

  it('POST /flows registers a YAML document with ?name= (all three YAML types)', async () => {
    t = testServer();
    for (const [i, type] of ['application/yaml', 'application/x-yaml', 'text/yaml; charset=utf-8'].entries()) {
      const r = await t.server.inject({ method: 'POST', url: `/api/v1/flows?name=y${i}`, headers: { ...auth, 'content-type': type }, payload: YAML.replace('yaml-flow', `yaml-flow-${i}`) });
      expect(r.statusCode, type).toBe(201);
      expect(r.json()).toEqual({ name: `y${i}`, flowId: `yaml-flow-${i}` });
    }
    const noName = await t.server.inject({ method: 'POST', url: '/api/v1/flows', headers: { ...auth, 'content-type': 'application/yaml' }, payload: YAML });
    expect(noName.statusCode).toBe(400);
    const syntax = await t.server.inject({ method: 'POST', url: '/api/v1/flows?name=bad', headers: { ...auth, 'content-type': 'application/yaml' }, payload: 'version: 1\nroutines: [\n' });
    expect(syntax.statusCode).toBe(400);
    expect(syntax.json().error.code).toBe('INVALID_FORMAT');
    expect(syntax.json().error.details).toMatchObject({ line: expect.any(Number), column: expect.any(Number) });
    const tag = await t.server.inject({ method: 'POST', url: '/api/v1/flows?name=bad', headers: { ...auth, 'content-type': 'application/yaml' }, payload: 'version: 1\nroutines: !!js/function "x"\n' });
    expect(tag.json().error.code).toBe('INVALID_FORMAT');
    expect(tag.json().error.details.line).toBe(2);
    const aliases = ['a: &a [1]', ...Array.from({ length: 101 }, (_, i) => `k${i}: *a`)].join('\n');
    expect((await t.server.inject({ method: 'POST', url: '/api/v1/flows?name=bad', headers: { ...auth, 'content-type': 'application/yaml' }, payload: aliases })).json().error.code).toBe('INVALID_FORMAT');
    const proto = await t.server.inject({ method: 'POST', url: '/api/v1/flows?name=bad', headers: { ...auth, 'content-type': 'application/yaml' }, payload: 'version: 1\nroutines:\n  a:\n    type: srv.source\n    config: { __proto__: { x: 1 } }\n' });
    expect(proto.statusCode).toBe(400);
    expect(proto.json().error.code).toBe('FORBIDDEN_KEY');
    expect(proto.json().error.details.path).toBe('/routines/a/config/__proto__');
  });

  it('GET /flows/:name → document; unknown → 404 UNKNOWN_FLOW', async () => {
    t = testServer();
    const r = await t.server.inject({ url: '/api/v1/flows/pipeline', headers: auth });
    expect(r.statusCode).toBe(200);
    expect(r.json()).toEqual({ name: 'pipeline', document: pipelineDocument() });
    const missing = await t.server.inject({ url: '/api/v1/flows/nope', headers: auth });
    expect(missing.statusCode).toBe(404);
    expect(missing.json().error.code).toBe('UNKNOWN_FLOW');
  });

  it('DELETE /flows/:name → 204; 409 FLOW_IN_USE while a job is unfinished; 404 unknown', async () => {
    t = testServer();
    const start = await t.server.inject({ method: 'POST', url: '/api/v1/flows/gate/jobs', headers: json, payload: {} });
    expect(start.statusCode).toBe(201);
    const busy = await t.server.inject({ method: 'DELETE', url: '/api/v1/flows/gate', headers: auth });
    expect(busy.statusCode).toBe(409);
    expect(busy.json().error.code).toBe('FLOW_IN_USE');
    expect(busy.json().error.details).toEqual({ name: 'gate', jobs: 1 });
    openGates();
    await t.runtime.waitUntilAllJobsFinished(5000);
    expect((await t.server.inject({ method: 'DELETE', url: '/api/v1/flows/gate', headers: auth })).statusCode).toBe(204);
    expect((await t.server.inject({ method: 'DELETE', url: '/api/v1/flows/gate', headers: auth })).statusCode).toBe(404);
    expect(t.registry.getByName('gate')).toBeUndefined();
    expect(gates.waiters).toEqual([]);
  });

  it('POST /flows/:name/validate → { issues }', async () => {
    t = testServer();
    const r = await t.server.inject({ method: 'POST', url: '/api/v1/flows/gate/validate', headers: auth });
    expect(r.statusCode).toBe(200);
    expect(Array.isArray(r.json().issues)).toBe(true);
    expect((await t.server.inject({ method: 'POST', url: '/api/v1/flows/nope/validate', headers: auth })).statusCode).toBe(404);
  });

  it('GET /flows/:name/diagram validates the format; answers Mermaid text', async () => {
    t = testServer();
    const bad = await t.server.inject({ url: '/api/v1/flows/pipeline/diagram?format=svg', headers: auth });
    expect(bad.statusCode).toBe(400);
    expect((await t.server.inject({ url: '/api/v1/flows/nope/diagram', headers: auth })).statusCode).toBe(404);
    const r = await t.server.inject({ url: '/api/v1/flows/pipeline/diagram?format=mermaid', headers: auth });
    expect(r.statusCode).toBe(200);
    expect(r.headers['content-type']).toMatch(/^text\/plain/);
    expect(r.body).toMatch(/^flowchart/);
  });

  it('keeps documents in the store and registers them again on listen; a store that fails is 503', async () => {
    const kept = new Map<string, unknown>();
    let down = false;
    const store = {
      putFlow: async (name: string, document: unknown) => {
        if (down) throw new Error('disk gone');
        kept.set(name, document);
      },
      deleteFlow: async (name: string) => kept.delete(name),
      listFlows: async () => [...kept].map(([name, document]) => ({ name, document })),
      listJobs: async () => {
        if (down) throw new Error('disk gone');
        return { items: [], nextCursor: null };
      },
    } as unknown as JobStore;
    t = testServer({ store });
    const document = { ...pipelineDocument(), flowId: 'stored' };
    expect((await t.server.inject({ method: 'POST', url: '/api/v1/flows', headers: json, payload: { name: 'stored', document } })).statusCode).toBe(201);
    expect(kept.has('stored')).toBe(true);
    expect((await t.server.inject({ url: '/api/v1/health/ready', headers: auth })).json()).toEqual({ status: 'ok', store: { status: 'ok' }, runtime: { status: 'ok' } });
    await t.server.close();
    await t.runtime.shutdown();
    t = testServer({ store, port: 0 });
    expect(t.registry.getByName('stored')).toBeUndefined();
    await t.server.listen();
    expect(t.registry.getByName('stored')?.flowId).toBe('stored');
    down = true;
    const failed = await t.server.inject({ method: 'POST', url: '/api/v1/flows', headers: json, payload: { name: 'other', document: { ...document, flowId: 'o' } } });
    expect(failed.statusCode).toBe(503);
    expect(failed.json().error.code).toBe('STORE_UNAVAILABLE');
    expect(t.registry.getByName('other')).toBeUndefined();
    const ready = await t.server.inject({ url: '/api/v1/health/ready', headers: auth });
    expect(ready.statusCode).toBe(503);
    expect(ready.json()).toEqual({ status: 'degraded', store: { status: 'unavailable' }, runtime: { status: 'ok' } });
  });
});

describe('B1 over HTTP: a malformed document is refused with every issue, and nothing is registered', () => {
  const yaml = { ...auth, 'content-type': 'application/yaml' };
  const names = async (): Promise<string[]> => ((await t!.server.inject({ url: '/api/v1/flows', headers: auth })).json() as { items: { name: string }[] }).items.map((i) => i.name).sort();

  it('syntax errors, wrong types, missing fields, unknown keys, duplicate ids: 400 with located issues, the registry unchanged', async () => {
    t = testServer();
    const before = await names();
    const syntax = await t.server.inject({ method: 'POST', url: '/api/v1/flows?name=broken', headers: yaml, payload: 'version: 1\nroutines: {\n' });
    expect(syntax.statusCode).toBe(400);
    expect(syntax.json().error).toMatchObject({ code: 'INVALID_FORMAT', details: { line: expect.any(Number), column: expect.any(Number) } });
    const many = [
      'version: 1',
      'surprise: true', // unknown top-level key (line 2)
      'routines:',
      '  a: { type: 42 }', // wrong type (line 4)
      '  b: { confg: {} }', // missing type, unknown key (line 5)
      'connections:',
      '  - { sourceRoutineId: a, sourceEvent: out, targetRoutineId: b }', // missing targetSlot (line 7)
      '',
    ].join('\n');
    const r = await t.server.inject({ method: 'POST', url: '/api/v1/flows?name=many', headers: yaml, payload: many });
    expect(r.statusCode).toBe(400);
    const error = r.json().error as { code: string; details: { issues: { path: string; line: number }[] } };
    expect(error.code).toBe('INVALID_FORMAT');
    expect(error.details.issues.map((i) => `${i.path}@${i.line}`).sort()).toEqual(['/surprise@2', '/routines/a/type@4', '/routines/b/type@5', '/routines/b/confg@5', '/connections/0/targetSlot@7'].sort());
    // the same document as JSON: the same paths
    const asJson = await t.server.inject({ method: 'POST', url: '/api/v1/flows', headers: { ...auth, 'content-type': 'application/json' }, payload: { name: 'many', document: { version: 1, surprise: true, routines: { a: { type: 42 }, b: { confg: {} } }, connections: [{ sourceRoutineId: 'a', sourceEvent: 'out', targetRoutineId: 'b' }] } } });
    expect(asJson.statusCode).toBe(400);
    expect((asJson.json().error.details.issues as { path: string }[]).map((i) => i.path).sort()).toEqual(['/surprise', '/routines/a/type', '/routines/b/type', '/routines/b/confg', '/connections/0/targetSlot'].sort());
    const duplicate = await t.server.inject({ method: 'POST', url: '/api/v1/flows?name=dup', headers: yaml, payload: 'version: 1\nroutines:\n  a: { type: srv.source }\n  a: { type: srv.source }\n' });
    expect(duplicate.statusCode).toBe(400);
    expect(duplicate.json().error).toMatchObject({ code: 'INVALID_FORMAT', details: { line: 4 } });
    // a document that is valid up to its last connection is not half-registered either
    const dangling = await t.server.inject({ method: 'POST', url: '/api/v1/flows?name=dangling', headers: yaml, payload: 'version: 1\nroutines:\n  a: { type: srv.source }\n  b: { type: srv.sink }\nconnections:\n  - { from: a.out, to: b.nope }\n' });
    expect(dangling.statusCode).toBe(400);
    expect(dangling.json().error.code).toBe('UNKNOWN_SLOT');
    expect(await names()).toEqual(before);
  });

  it('B2 over HTTP: an alias bomb and a custom tag are 400 INVALID_FORMAT, quickly', async () => {
    t = testServer();
    const levels = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
    for (let i = 1; i < 9; i++) levels.push(`${String.fromCharCode(97 + i)}: &${String.fromCharCode(97 + i)} [${Array(9).fill(`*${String.fromCharCode(96 + i)}`).join(',')}]`);
    for (const payload of [`version: 1\nroutines: {}\n${levels.join('\n')}\n`, 'version: 1\nroutines: {}\nx: !!js/function "function () { return process }"\n']) {
      const started = performance.now();
      const r = await t.server.inject({ method: 'POST', url: '/api/v1/flows?name=attack', headers: yaml, payload });
      expect(performance.now() - started).toBeLessThan(1000);
      expect(r.statusCode).toBe(400);
      expect(r.json().error.code).toBe('INVALID_FORMAT');
    }
    expect(await names()).not.toContain('attack');
  });
});
