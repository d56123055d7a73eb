// Vitest global setup of the Node suite: `npm run build` once, so every test that imports
// edge-auth/client or edge-auth/verify through package.json "exports" finds dist/lib.
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));

export default function setup() {
  execFileSync(process.execPath, [`${root}scripts/build-package.mjs`], { cwd: root, stdio: 'pipe' });
}
