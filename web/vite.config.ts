import { defineConfig } from 'vitest/config';

// The client is served from any path (S3/CloudFront root, the local stack's
// web server), so asset URLs are relative; routing lives in the hash.
export default defineConfig({
  base: './',
  oxc: {
    jsx: { runtime: 'automatic', importSource: 'preact' },
  },
  build: {
    outDir: 'dist',
    target: 'es2022',
    sourcemap: false,
    assetsInlineLimit: 0, // data: URLs for scripts would need a looser CSP
  },
  server: { host: '127.0.0.1' },
  preview: { host: '127.0.0.1' },
  test: {
    environment: 'happy-dom',
    include: ['test/**/*.test.ts', 'test/**/*.test.tsx'],
  },
});
