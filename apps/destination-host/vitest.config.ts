import swc from 'unplugin-swc';
import { defineConfig, mergeConfig } from 'vitest/config';
import { projectConfig } from '../../vitest.shared.ts';

// NestJS needs decorator metadata, which esbuild does not emit: compile with SWC.
export default mergeConfig(projectConfig(), defineConfig({ plugins: [swc.vite({ module: { type: 'es6' } })] }));
