import { resolve } from 'node:path'
import react from '@vitejs/plugin-react'
import { defineConfig } from 'electron-vite'

// Our folders are not electron-vite's defaults, so every entry is explicit (STACK.md §3).
// Main has two entries: the Electron host (index) and the web host (web); both share the engine.
export default defineConfig({
  main: {
    build: {
      rollupOptions: {
        input: {
          index: resolve(__dirname, 'src-main/hosts/electron/main.ts'),
          web: resolve(__dirname, 'src-main/hosts/web/main.ts'),
          sim: resolve(__dirname, 'src-main/sim/cli.ts'),
          // Bundle import/export run in this worker thread (store/bundle-jobs.ts finds it next to main).
          'bundle-worker': resolve(__dirname, 'src-main/store/bundle-worker.ts'),
          // The evaluation lab's report statistics (engine/evaluation/report-jobs.ts finds it next to main).
          'report-worker': resolve(__dirname, 'src-main/engine/evaluation/report-worker.ts'),
        },
      },
    },
  },
  preload: {
    build: { rollupOptions: { input: { index: resolve(__dirname, 'src-preload/index.ts') } } },
  },
  renderer: {
    root: resolve(__dirname, 'src-renderer'),
    base: './',
    build: {
      rollupOptions: {
        input: {
          index: resolve(__dirname, 'src-renderer/index.html'),
          capture: resolve(__dirname, 'src-renderer/capture.html'),
        },
      },
    },
    plugins: [react()],
  },
})
