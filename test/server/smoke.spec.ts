import { afterEach, describe, expect, it } from 'vitest';
import { auth, testServer, type TestServer } from './fixtures.js';

let t: TestServer | undefined;
afterEach(async () => {
  await t?.server.close();
  await t?.runtime.shutdown();
});

describe('smoke', () => {
  it('runs a job with wait', async () => {
    t = testServer();
    const r = await t.server.inject({ method: 'POST', url: '/api/v1/flows/pipeline/jobs', headers: auth, payload: { entryParams: { n: 3 }, wait: 1000 } });
    console.log(r.statusCode, r.body);
    const h = await t.server.inject({ method: 'GET', url: '/api/v1/jobs', headers: auth });
    console.log(h.statusCode, h.body);
    const o = await t.server.inject({ method: 'GET', url: '/api/v1/openapi.json', headers: auth });
    console.log(o.statusCode, Object.keys(JSON.parse(o.body).paths));
    const n = await t.server.inject({ method: 'POST', url: '/api/v1/flows/pipeline/jobs', headers: auth });
    console.log(n.statusCode, n.body);
    const rt = await t.server.inject({ method: 'GET', url: '/api/v1/routines', headers: auth });
    console.log(rt.statusCode, rt.body);
    expect(r.statusCode).toBe(200);
  });
});
