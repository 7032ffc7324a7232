import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// `npm run dev` serves the frontend here with hot reload and forwards the API to the backend on PORT.
const backend = 'http://127.0.0.1:' + (process.env.PORT || '3000');

export default defineConfig({
  plugins: [react()],
  build: { outDir: 'dist', emptyOutDir: true },
  server: {
    host: '127.0.0.1',
    port: Number(process.env.FRONTEND_PORT || 5173),
    strictPort: true,
    proxy: { '/api': backend, '/health': backend },
  },
});
