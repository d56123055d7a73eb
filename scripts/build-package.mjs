#!/usr/bin/env node
// `npm run build`: the package (edge-auth/client, edge-auth/verify, edge-auth/verify/hono) into dist/lib:
// ES modules bundled by esbuild, one bundled .d.ts per export by dts-bundle-generator. It touches dist/lib only.
import { build } from 'esbuild';
import { generateDtsBundle } from 'dts-bundle-generator';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const outDir = join(root, 'dist/lib');
/** Each export's file in dist/lib (without extension) and its source. */
const ENTRY_POINTS = { 'client/index': 'src/client/index.ts', 'verify/index': 'src/verify/index.ts', 'verify/hono': 'src/verify/hono.ts' };

rmSync(outDir, { recursive: true, force: true });

// One module per export; code two exports share goes to one chunk, so `instanceof` works across them.
// jose and hono are never bundled: jose is a dependency, hono a peer the consumer already has.
await build({
  entryPoints: Object.fromEntries(Object.entries(ENTRY_POINTS).map(([name, source]) => [name, join(root, source)])),
  outdir: outDir,
  chunkNames: 'chunks/[name]-[hash]',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'neutral',
  target: 'es2022',
  tsconfig: join(root, 'tsconfig.build.json'),
  external: ['jose', 'hono', 'hono/*'],
  logLevel: 'warning',
  legalComments: 'none',
});

// One self-contained .d.ts per export, holding only the types that export reaches (no worker internals, nothing that
// needs the DOM or workers types); hono and jose types stay imports from those packages, so the consumer's copy is used.
const declarations = generateDtsBundle(
  Object.keys(ENTRY_POINTS).map((name) => ({
    filePath: join(root, ENTRY_POINTS[name]),
    libraries: { allowedTypesLibraries: [] },
    output: { noBanner: true },
  })),
  { preferredConfigPath: join(root, 'tsconfig.build.json') },
);
Object.keys(ENTRY_POINTS).forEach((name, index) => writeFileSync(join(outDir, `${name}.d.ts`), declarations[index]));
