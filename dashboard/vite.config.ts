import { defineConfig } from 'vite';

// Built by `npm run build` (`vite build dashboard`) into dist/dashboard, which the server
// serves at `/`. Everything is bundled: no CDN, nothing fetched at run time.
export default defineConfig({
  base: './',
  esbuild: { jsx: 'automatic', jsxImportSource: 'preact' },
  build: {
    outDir: '../dist/dashboard',
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: false,
    chunkSizeWarningLimit: 2000,
  },
});
