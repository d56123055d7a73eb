#!/usr/bin/env node
// Prints a private JWK Set for `wrangler secret put JWT_SIGNING_KEYS`: a new one, or an existing set
// (read from a file) with a key added, promoted or retired. Never writes files: redirect stdout.
// Usage: npm run keygen -- [--alg EdDSA|ES256|RS256] [--add-to FILE [--front|--back]]
//        npm run keygen -- --promote KID --in FILE
//        npm run keygen -- --retire KID --in FILE
import { readFileSync } from 'node:fs';
import { addKeyToSet, generateSigningJwk, parseKeySetText, promoteKeyInSet, retireKeyFromSet, SUPPORTED_ALGORITHMS } from './lib/signing-keys.mjs';

const USAGE = `Usage:
  npm run keygen -- [--alg ${SUPPORTED_ALGORITHMS.join('|')}]                      a new key set with one key
  npm run keygen -- --alg ES256 --add-to keys.json [--front|--back]    add a new key (default --back: published, not signing)
  npm run keygen -- --promote KID --in keys.json                       move KID to the front: it signs
  npm run keygen -- --retire KID --in keys.json                        remove KID from the set`;

function fail(message) {
  console.error(`keygen: ${message}`);
  process.exit(2);
}

function readOptions(args) {
  const options = { alg: 'EdDSA', position: 'back' };
  const valueAfter = (i, name) => args[i + 1] ?? fail(`${name} needs a value`);
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === '--help' || arg === '-h') {
      console.log(USAGE);
      process.exit(0);
    } else if (arg === '--alg') options.alg = valueAfter(i++, arg);
    else if (arg.startsWith('--alg=')) options.alg = arg.slice('--alg='.length);
    else if (arg === '--add-to') options.addTo = valueAfter(i++, arg);
    else if (arg === '--in') options.in = valueAfter(i++, arg);
    else if (arg === '--promote') options.promote = valueAfter(i++, arg);
    else if (arg === '--retire') options.retire = valueAfter(i++, arg);
    else if (arg === '--front' || arg === '--back') options.position = arg.slice(2);
    else fail(`unknown argument "${arg}"`);
  }
  return options;
}

function readKeySet(path) {
  try {
    return parseKeySetText(readFileSync(path, 'utf8'));
  } catch (error) {
    return fail(`${path}: ${error.message}`);
  }
}

function printKeySet(set) {
  process.stdout.write(`${JSON.stringify(set)}\n`);
}

const options = readOptions(process.argv.slice(2));
try {
  if (options.promote || options.retire) {
    if (!options.in) fail('--promote and --retire need --in FILE');
    const set = readKeySet(options.in);
    printKeySet(options.promote ? promoteKeyInSet(set, options.promote) : retireKeyFromSet(set, options.retire));
  } else {
    if (!SUPPORTED_ALGORITHMS.includes(options.alg)) fail(`--alg must be one of ${SUPPORTED_ALGORITHMS.join(', ')}`);
    const jwk = await generateSigningJwk(options.alg);
    printKeySet(options.addTo ? addKeyToSet(readKeySet(options.addTo), jwk, options.position) : { keys: [jwk] });
  }
} catch (error) {
  fail(error.message);
}
