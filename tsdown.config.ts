// `npm run build`: the package's entry points (edge-auth/client, edge-auth/verify, edge-auth/verify/hono)
// as ES modules with bundled .d.ts types, into dist/lib only (dist/demo and dist/worker belong to other builds).
import { defineConfig } from 'tsdown';

export default defineConfig({
  entry: {
    'client/index': 'src/client/index.ts',
    'verify/index': 'src/verify/index.ts',
    'verify/hono': 'src/verify/hono.ts',
  },
  outDir: 'dist/lib',
  format: 'esm',
  platform: 'neutral',
  target: 'es2022',
  tsconfig: 'tsconfig.build.json',
  dts: true,
  clean: true,
  // jose and hono are dependencies of the package: consumers install them, we never inline them.
  deps: { neverBundle: ['jose', /^hono(\/|$)/] },
});
