import { vitePlugin as remix } from '@remix-run/dev';
import { defineConfig } from 'vite';

declare module '@remix-run/node' {
  interface Future {
    v3_singleFetch: true;
  }
}

export default defineConfig(({ isSsrBuild }) => ({
  plugins: [
    remix({
      future: {
        v3_fetcherPersist: true,
        v3_relativeSplatPath: true,
        v3_throwAbortReason: true,
        v3_singleFetch: true,
        v3_lazyRouteDiscovery: true,
      },
    }),
  ],
  ssr: {
    // node-quickbooks builds its client with eval and jsforce loads its own modules: keep both external.
    external: ['node-quickbooks', 'jsforce'],
  },
  server: { port: 3000 },
  // The server's bundle keeps the language as Node 20 runs it. Lowered to Vite's default (ES2020), each class's
  // private fields became entries of a module-wide WeakMap, and the young-generation collector keeps what a
  // WeakMap holds until the next full collection: every page's customer data was carried into the old space.
  build: isSsrBuild ? { target: 'node20' } : {},
}));
