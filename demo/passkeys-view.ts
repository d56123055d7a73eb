// The demo's passkeys: "Sign in with a passkey", and the list of the account's passkeys with add and remove.

import { addPasskeyInBrowser, AuthClientError, signInWithPasskeyInBrowser, type AuthClient, type PasskeyInfo } from '../src/client';
import { announce, byId, formatWhen } from './dom';
import { askForProof } from './proof-prompt';

function messageOf(error: unknown): string {
  if (error instanceof AuthClientError) return error.message;
  if (error instanceof DOMException && error.name === 'NotAllowedError') return 'The passkey prompt was cancelled.';
  return 'Something went wrong with the passkey. Please try again.';
}

function renderPasskey(auth: AuthClient, passkey: PasskeyInfo): HTMLLIElement {
  const item = document.createElement('li');
  item.dataset.passkeyId = passkey.id;
  const text = document.createElement('div');
  text.textContent = `${passkey.name} · added ${formatWhen(passkey.createdAt)}${passkey.lastUsedAt ? ` · last used ${formatWhen(passkey.lastUsedAt)}` : ''}`;
  const remove = document.createElement('button');
  remove.type = 'button';
  remove.className = 'quiet';
  remove.textContent = 'Remove';
  remove.setAttribute('aria-label', `Remove the passkey ${passkey.name}`);
  remove.addEventListener('click', async () => {
    const proof = await askForProof(auth, `Removing the passkey ${passkey.name} needs a proof that it is you.`);
    if (proof === null) return;
    remove.disabled = true;
    try {
      await auth.removePasskey(passkey.id, proof);
      announce('Passkey removed.');
      await loadPasskeys(auth);
    } catch (error) {
      remove.disabled = false;
      announce(messageOf(error));
    }
  });
  item.append(text, remove);
  return item;
}

/** Loads the account's passkeys into the list. */
export async function loadPasskeys(auth: AuthClient): Promise<void> {
  const note = byId('passkeys-note');
  try {
    const passkeys = await auth.listPasskeys();
    byId('passkeys-list').replaceChildren(...passkeys.map((passkey) => renderPasskey(auth, passkey)));
    note.textContent = passkeys.length === 0 ? 'No passkeys yet.' : passkeys.length === 1 ? 'One passkey.' : `${passkeys.length} passkeys.`;
  } catch (error) {
    note.textContent = error instanceof AuthClientError && error.code === 'not_signed_in' ? '' : 'Could not load the passkeys.';
  }
}

/** Wires "Sign in with a passkey" and "Add a passkey". */
export function wirePasskeyViews(auth: AuthClient): void {
  const signIn = byId<HTMLButtonElement>('passkey-sign-in');
  signIn.addEventListener('click', async () => {
    signIn.disabled = true;
    byId('form-error').textContent = '';
    try {
      await signInWithPasskeyInBrowser(auth);
      announce('You are signed in with a passkey.');
    } catch (error) {
      byId('form-error').textContent = messageOf(error);
    } finally {
      signIn.disabled = false;
    }
  });
  const add = byId<HTMLButtonElement>('passkey-add');
  add.addEventListener('click', async () => {
    const proof = await askForProof(auth, 'Adding a passkey needs a proof that it is you.');
    if (proof === null) return;
    add.disabled = true;
    try {
      const name = byId<HTMLInputElement>('passkey-name').value.trim();
      await addPasskeyInBrowser(auth, proof, name === '' ? undefined : name);
      announce('Passkey added.');
      await loadPasskeys(auth);
    } catch (error) {
      announce(messageOf(error));
    } finally {
      add.disabled = false;
    }
  });
}
