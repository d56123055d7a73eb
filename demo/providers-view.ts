// The demo's sign-in with other providers: a "Continue with …" button per configured provider, the error a failed
// sign-in came back with, and the account's linked identities with remove.

import { AuthClientError, providerMfaTokenOf, providerSignInErrorOf, type AuthClient, type IdentityInfo, type ProviderSignInError } from '../src/client';
import { announce, byId, formatWhen } from './dom';
import { promptForSecondFactor } from './totp-view';
import { askForProof } from './proof-prompt';

const NAMES: Record<string, string> = { github: 'GitHub', google: 'Google' };

const ERROR_TEXT: Record<Exclude<ProviderSignInError, 'mfa_required'>, string> = {
  access_denied: 'The sign-in was cancelled at the provider.',
  invalid_state: 'That sign-in expired or was started in another browser. Please try again.',
  account_exists: 'An account already uses this address. Sign in to it first (its address must be verified), then the provider links on its next use.',
  email_not_verified: 'The provider did not confirm your email address, or your address is not verified yet, so it cannot sign you in.',
  provider_error: 'The provider did not answer as expected. Please try again.',
};

function renderIdentity(auth: AuthClient, identity: IdentityInfo): HTMLLIElement {
  const item = document.createElement('li');
  item.dataset.identityId = identity.id;
  const text = document.createElement('div');
  text.textContent = `${NAMES[identity.provider] ?? identity.provider}${identity.email ? ` · ${identity.email}` : ''} · linked ${formatWhen(identity.createdAt)}`;
  const remove = document.createElement('button');
  remove.type = 'button';
  remove.className = 'quiet';
  remove.textContent = 'Unlink';
  remove.setAttribute('aria-label', `Unlink ${NAMES[identity.provider] ?? identity.provider}`);
  remove.addEventListener('click', async () => {
    const proof = await askForProof(auth, `Unlinking ${NAMES[identity.provider] ?? identity.provider} needs a proof that it is you.`);
    if (proof === null) return;
    remove.disabled = true;
    try {
      await auth.removeIdentity(identity.id, proof);
      announce('Provider unlinked.');
      await loadIdentities(auth);
    } catch (error) {
      remove.disabled = false;
      announce(error instanceof AuthClientError ? error.message : 'Could not unlink the provider.');
    }
  });
  item.append(text, remove);
  return item;
}

/** Loads the account's linked identities into the list. */
export async function loadIdentities(auth: AuthClient): Promise<void> {
  const note = byId('identities-note');
  try {
    const identities = await auth.listIdentities();
    byId('identities-list').replaceChildren(...identities.map((identity) => renderIdentity(auth, identity)));
    note.textContent = identities.length === 0 ? 'No provider linked.' : identities.length === 1 ? 'One provider linked.' : `${identities.length} providers linked.`;
  } catch (error) {
    note.textContent = error instanceof AuthClientError && error.code === 'not_signed_in' ? '' : 'Could not load the linked providers.';
  }
}

/**
 * Shows a "Continue with …" link per provider of GET /auth/oauth (each comes
 * back to this page), and the error a failed sign-in left in the address bar,
 * or the code prompt when it stopped at the second step (TOTP on); the
 * fragment is then removed from the address bar.
 */
export async function wireProviderViews(auth: AuthClient): Promise<void> {
  const failed = providerSignInErrorOf(location.href);
  const mfaToken = providerMfaTokenOf(location.href);
  if (failed !== null) history.replaceState(null, '', `${location.pathname}${location.search}`);
  if (mfaToken !== null) promptForSecondFactor(mfaToken);
  else if (failed !== null && failed !== 'mfa_required') byId('form-error').textContent = ERROR_TEXT[failed];
  const container = byId('provider-buttons');
  try {
    const providers = await auth.listProviders();
    const returnTo = `${location.origin}${location.pathname}`;
    container.replaceChildren(
      ...providers.map((provider) => {
        const link = document.createElement('a');
        link.className = 'button';
        link.href = auth.providerSignInUrl(provider.id, returnTo);
        link.textContent = `Continue with ${NAMES[provider.id] ?? provider.id}`;
        link.dataset.provider = provider.id;
        return link;
      }),
    );
    container.hidden = providers.length === 0;
  } catch {
    container.hidden = true;
  }
}
