import swc from 'unplugin-swc';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const src = fileURLToPath(new URL('./src/', import.meta.url));

// Vitest's default esbuild transform drops decorator metadata (`design:paramtypes`),
// which tsyringe needs for constructor injection. SWC emits it like tsc does.
export default defineConfig({
  plugins: [
    swc.vite({
      jsc: {
        target: 'es2022',
        parser: { syntax: 'typescript', decorators: true },
        transform: { legacyDecorator: true, decoratorMetadata: true, useDefineForClassFields: false },
      },
    }),
  ],
  // The package name resolves to the sources, as in tsconfig.json's paths (examples import 'routilux').
  resolve: {
    alias: [
      { find: /^routilux$/, replacement: `${src}index.ts` },
      { find: /^routilux\/([a-z-]+)$/, replacement: `${src}$1/index.ts` },
    ],
  },
  test: {
    include: ['test/**/*.spec.ts'],
    setupFiles: ['test/setup.ts'],
    testTimeout: 20_000,
    pool: 'forks',
  },
});
