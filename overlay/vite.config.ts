import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import tailwindcss from '@tailwindcss/vite';
import vue from '@vitejs/plugin-vue';
import { defineConfig, type ProxyOptions } from 'vite';

const root = fileURLToPath(new URL('.', import.meta.url));

// `npm run dev` talks to a running daemon (default port, or STAGEHAND_DEV_DAEMON).
const DAEMON = process.env.STAGEHAND_DEV_DAEMON ?? 'http://127.0.0.1:8002';
// The daemon refuses state-changing requests from foreign origins: present the dev
// server's proxied requests as coming from the daemon's own origin.
const asDaemonOrigin: ProxyOptions['configure'] = (proxy) => {
  proxy.on('proxyReq', (req) => {
    if (req.getHeader('origin')) req.setHeader('origin', DAEMON);
  });
  proxy.on('proxyReqWs', (req) => {
    if (req.getHeader('origin')) req.setHeader('origin', DAEMON);
  });
};

// Multi-page build. The daemon embeds dist/ and serves each file at the same
// path under "/": dist/overlay/index.html -> /overlay/, dist/assets/* -> /assets/*.
// dist/admin/index.html -> /admin/ (Vue 3 + Tailwind; the overlay bundle stays
// free of both: the Vue plugin only sees .vue files, Tailwind only the admin CSS).
export default defineConfig({
  root,
  base: '/',
  publicDir: false,
  plugins: [vue(), tailwindcss()],
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
        admin: resolve(root, 'admin/index.html'),
      },
    },
  },
  server: {
    proxy: {
      '/ws': { target: DAEMON.replace(/^http/, 'ws'), ws: true, changeOrigin: true, configure: asDaemonOrigin },
      '/api': { target: DAEMON, changeOrigin: true, configure: asDaemonOrigin },
      '/media': { target: DAEMON, changeOrigin: true },
    },
  },
});
