// The token exchange of every provider, through arctic: failures become a ProviderResponseError with a loggable reason.

import { ArcticFetchError, OAuth2RequestError, UnexpectedErrorResponseBodyError, UnexpectedResponseError, type OAuth2Tokens } from 'arctic';
import { ProviderResponseError } from './profile';

/** A provider's token endpoint gets this long; arctic's requests take no signal, so the wait is raced. */
export const TOKEN_EXCHANGE_TIMEOUT_MILLISECONDS = 10_000;

/**
 * Runs an arctic token request; any failure (network, provider error, odd
 * body, no answer within TOKEN_EXCHANGE_TIMEOUT_MILLISECONDS) is a ProviderResponseError.
 */
export async function exchangeCode(work: () => Promise<OAuth2Tokens>): Promise<OAuth2Tokens> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new ProviderResponseError('token endpoint did not answer in time')), TOKEN_EXCHANGE_TIMEOUT_MILLISECONDS);
  });
  try {
    return await Promise.race([work(), timeout]);
  } catch (error) {
    if (error instanceof ProviderResponseError) throw error;
    if (error instanceof OAuth2RequestError) throw new ProviderResponseError(`token endpoint error ${error.code.slice(0, 64)}`);
    if (error instanceof UnexpectedResponseError || error instanceof UnexpectedErrorResponseBodyError) throw new ProviderResponseError(`token endpoint answered ${error.status}`);
    if (error instanceof ArcticFetchError) throw new ProviderResponseError('token endpoint unreachable');
    throw new ProviderResponseError('token exchange failed');
  } finally {
    clearTimeout(timer);
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
