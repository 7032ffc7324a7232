// The UI build: plain Vite (no React plugin needed; JSX is compiled by Vite's built-in transformer).
// `npm run dev` proxies the API and WebSocket to a `catalyst serve` on CATALYST_API (default :3000).
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const api = process.env.CATALYST_API ?? 'http://127.0.0.1:3000';

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  oxc: { jsx: { runtime: 'automatic' } },
  build: { outDir: 'dist', emptyOutDir: true, sourcemap: false, chunkSizeWarningLimit: 600 },
  server: {
    port: 5173,
    proxy: {
      '/api': { target: api, changeOrigin: false },
      '/ws': { target: api.replace(/^http/, 'ws'), ws: true },
    },
  },
});
