// Uses the './flow.schema.json' subpath: the shipped JSON Schema of flow documents.
import { createRequire } from 'node:module';

const schema = createRequire(import.meta.url)('routilux/flow.schema.json') as { $schema?: string; properties?: Record<string, unknown> };
if (schema.$schema?.includes('2020-12') !== true || schema.properties?.['routines'] === undefined) {
  throw new Error(`unexpected schema: ${JSON.stringify(schema).slice(0, 200)}`);
}
console.log('OK ./flow.schema.json', Object.keys(schema.properties).length);
