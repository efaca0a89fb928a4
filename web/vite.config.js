// The dashboard's build: plain TypeScript and CSS, no framework plugin. Served by the API at
// /ui/ (src/api/routes/dashboard.ts), which gives files under assets/ immutable caching, hence
// the content hashes in their names.
import { defineConfig } from 'vite';

export default defineConfig({
  root: import.meta.dirname,
  base: '/ui/',
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    assetsDir: 'assets',
    target: 'es2022',
    // The bundle is small enough that a source map would outweigh it; browsers' devtools still pretty-print.
    sourcemap: false,
    // The dashboard is a handful of kilobytes: inline nothing, so the CSP needs no data: scripts.
    assetsInlineLimit: 0,
  },
});
