import swc from 'unplugin-swc';
import { defineConfig } from 'vitest/config';

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
  test: {
    include: ['test/**/*.spec.ts'],
    setupFiles: ['test/setup.ts'],
    testTimeout: 20_000,
    pool: 'forks',
  },
});
