import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';
import { fileURLToPath } from 'node:url';

// The back office is built into dist/web and served by the Orderdeck server at `/`.
// `npm run dev:web` runs Vite with hot reload and proxies the API to a server on :3000.
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  plugins: [react()],
  build: { outDir: process.env.ORDERDECK_WEB_OUT ?? '../dist/web', emptyOutDir: true, sourcemap: true },
  server: { port: 5173, proxy: { '/api': 'http://127.0.0.1:3000' } },
});
