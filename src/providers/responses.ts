// Response-body schemas of sign-in with other providers: the configured providers and the linked identities.

import * as v from 'valibot';
import { isoTime, namedSchema, nullableText } from '../http/schema';

/** 200 of GET /auth/oauth: the configured providers, for "Continue with …" buttons. */
export const oauthProvidersResponse = namedSchema(
  'OAuthProvidersResponse',
  v.strictObject({
    providers: v.array(
      v.strictObject({
        id: v.pipe(v.string(), v.description('The provider id in /auth/oauth/<id>.')),
        type: v.pipe(v.picklist(['github', 'google', 'oidc']), v.description('GitHub, Google, or a generic OpenID Connect provider.')),
      }),
    ),
  }),
);
export type OAuthProvidersResponse = v.InferOutput<typeof oauthProvidersResponse.schema>;

/** 200 of GET /auth/identities. */
export const identitiesResponse = namedSchema(
  'IdentitiesResponse',
  v.strictObject({
    identities: v.array(
      v.strictObject({
        id: v.string(),
        provider: v.pipe(v.string(), v.description('The provider id it signs in with.')),
        email: nullableText('The address the provider gave when it was linked.'),
        created_at: isoTime('When it was linked.'),
      }),
    ),
  }),
);
export type IdentitiesResponse = v.InferOutput<typeof identitiesResponse.schema>;
