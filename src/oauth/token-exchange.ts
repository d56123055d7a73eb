// The token exchange of every provider, through arctic: failures become a ProviderResponseError with a loggable reason.

import { ArcticFetchError, OAuth2RequestError, UnexpectedErrorResponseBodyError, UnexpectedResponseError, type OAuth2Tokens } from 'arctic';
import { ProviderResponseError } from './profile';

/** Runs an arctic token request; any failure (network, provider error, odd body) is a ProviderResponseError. */
export async function exchangeCode(work: () => Promise<OAuth2Tokens>): Promise<OAuth2Tokens> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof OAuth2RequestError) throw new ProviderResponseError(`token endpoint error ${error.code.slice(0, 64)}`);
    if (error instanceof UnexpectedResponseError || error instanceof UnexpectedErrorResponseBodyError) throw new ProviderResponseError(`token endpoint answered ${error.status}`);
    if (error instanceof ArcticFetchError) throw new ProviderResponseError('token endpoint unreachable');
    throw new ProviderResponseError('token exchange failed');
  }
}

/** The ID token of a token response, or a ProviderResponseError when there is none. */
export function idTokenOf(tokens: OAuth2Tokens): string {
  try {
    return tokens.idToken();
  } catch {
    throw new ProviderResponseError('token response has no id_token');
  }
}
