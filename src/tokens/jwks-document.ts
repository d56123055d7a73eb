// The JWKS as served: its exact bytes and strong ETag, computed once per key set and isolate.

import { computeStrongEtag } from '../core/etag';
import { getPublicJwks } from './access';
import type { SigningKeySet } from '../core/signing-keys';

/** How long verifiers may cache the JWKS; the key-rotation runbook waits at least this long. */
export const JWKS_MAX_AGE_SECONDS = 300;

const jwksDocuments = new Map<string, Promise<{ body: string; etag: string }>>();

/** The JWKS body to serve and its strong ETag; cached per key set. */
export function getPublicJwksDocument(keys: SigningKeySet): Promise<{ body: string; etag: string }> {
  let document = jwksDocuments.get(keys.source);
  if (!document) {
    document = getPublicJwks(keys).then(async (jwks) => {
      const body = JSON.stringify(jwks);
      return { body, etag: await computeStrongEtag(body) };
    });
    jwksDocuments.set(keys.source, document);
    document.catch(() => jwksDocuments.delete(keys.source));
  }
  return document;
}
