#!/usr/bin/env node
// Prints a new private JWK Set for `wrangler secret put JWT_SIGNING_KEYS`.
// Usage: npm run keygen [-- --alg EdDSA|ES256|RS256]
import { generateSigningJwk, SUPPORTED_ALGORITHMS } from './lib/signing-keys.mjs';

const args = process.argv.slice(2);
let alg = 'EdDSA';
for (let i = 0; i < args.length; i++) {
  if (args[i] === '--alg') alg = args[++i];
  else if (args[i]?.startsWith('--alg=')) alg = args[i].slice('--alg='.length);
  else if (args[i] === '--help' || args[i] === '-h') {
    console.log(`Usage: npm run keygen -- [--alg ${SUPPORTED_ALGORITHMS.join('|')}]`);
    process.exit(0);
  } else {
    console.error(`keygen: unknown argument "${args[i]}"`);
    process.exit(2);
  }
}
if (!SUPPORTED_ALGORITHMS.includes(alg)) {
  console.error(`keygen: --alg must be one of ${SUPPORTED_ALGORITHMS.join(', ')}`);
  process.exit(2);
}
const jwk = await generateSigningJwk(alg);
process.stdout.write(`${JSON.stringify({ keys: [jwk] })}\n`);
