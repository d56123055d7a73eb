// The JWKS as served: its exact bytes and strong ETag, computed once per key set and isolate.

import { computeStrongEtag } from '../http/etag';
import { getPublicJwks } from './access';
import type { SigningKeySet } from './keys';

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
