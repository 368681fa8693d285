// Uses the './package.json' subpath.
import { createRequire } from 'node:module';

const pkg = createRequire(import.meta.url)('routilux/package.json') as { name: string; version: string };
if (pkg.name !== 'routilux') throw new Error(`unexpected name ${pkg.name}`);
console.log('OK ./package.json', pkg.version);
