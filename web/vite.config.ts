// The UI build: plain Vite (no React plugin needed; JSX is compiled by Vite's built-in transformer).
// `npm run dev` proxies the API, the WebSocket and the API docs to a `catalyst serve` on
// CATALYST_API_URL (default http://127.0.0.1:3000). The Host header is kept (changeOrigin: false) so the
// server's same-origin WebSocket check sees the page's own origin.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const api = (process.env.CATALYST_API_URL ?? 'http://127.0.0.1:3000').replace(/\/+$/, '');

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  oxc: { jsx: { runtime: 'automatic' } },
  build: { outDir: 'dist', emptyOutDir: true, sourcemap: false },
  server: {
    port: 5173,
    proxy: {
      '/api': { target: api, changeOrigin: false },
      '/ws': { target: api.replace(/^http/, 'ws'), ws: true },
      '/docs': { target: api, changeOrigin: false },
    },
  },
});
