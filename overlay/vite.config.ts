import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const root = fileURLToPath(new URL('.', import.meta.url));

// Multi-page build. The daemon embeds dist/ and serves each file at the same
// path under "/": dist/overlay/index.html -> /overlay/, dist/assets/* -> /assets/*.
// The admin UI will be added as a second entry (admin/index.html) later.
export default defineConfig({
  root,
  base: '/',
  publicDir: false,
  build: {
    outDir: 'dist',
    assetsDir: 'assets',
    emptyOutDir: true,
    // OBS 30's browser source is CEF/Chromium 103: don't emit newer syntax.
    target: ['chrome103'],
    cssTarget: ['chrome103'],
    sourcemap: false,
    rolldownOptions: {
      input: {
        overlay: resolve(root, 'overlay/index.html'),
      },
    },
  },
  server: {
    // `npm run dev` against a daemon running on the default port.
    proxy: {
      '/ws': { target: 'ws://127.0.0.1:8002', ws: true },
      '/api': 'http://127.0.0.1:8002',
      '/media': 'http://127.0.0.1:8002',
    },
  },
});
