import { builtinModules } from 'node:module';
import { resolve } from 'node:path';
import { defineConfig } from 'vite';

// The `tray-timer` command: one ESM file for plain Node. Native keytar stays external
// (it is loaded from node_modules); everything else is bundled so `status` starts fast.
export default defineConfig({
  build: {
    outDir: 'out/cli',
    emptyOutDir: true,
    target: 'node20',
    minify: false,
    ssr: true,
    lib: {
      entry: resolve('main/cli/tray-timer.ts'),
      formats: ['es'],
      fileName: () => 'tray-timer.js',
    },
    rollupOptions: {
      external: [
        'keytar',
        'electron',
        ...builtinModules,
        ...builtinModules.map((m) => `node:${m}`),
      ],
      output: { banner: '#!/usr/bin/env node' },
    },
  },
  ssr: { noExternal: true, external: ['keytar'] },
});
