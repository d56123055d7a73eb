// The demo's "Confirm it is you" prompt: the proof a change to the ways of signing in needs (password, code or passkey).

import { passkeyProofInBrowser, type AuthClient, type Proof } from '../src/client';
import { byId } from './dom';

/**
 * Asks for a proof before `reason` (a sentence): the password, or without
 * one a TOTP code or a passkey; both fields left empty is `{}` (a
 * provider-only account that signed in moments ago). `null` when cancelled.
 */
export function askForProof(auth: AuthClient, reason: string): Promise<Proof | null> {
  const dialog = byId<HTMLDialogElement>('proof-dialog');
  const form = byId<HTMLFormElement>('proof-form');
  const passkey = byId<HTMLButtonElement>('proof-passkey');
  const cancel = byId<HTMLButtonElement>('proof-cancel');
  byId('proof-reason').textContent = reason;
  form.reset();
  return new Promise((resolve) => {
    const finish = (proof: Proof | null) => {
      form.removeEventListener('submit', onSubmit);
      passkey.removeEventListener('click', onPasskey);
      cancel.removeEventListener('click', onCancel);
      dialog.removeEventListener('cancel', onCancel);
      dialog.close();
      resolve(proof);
    };
    const onSubmit = (event: Event) => {
      event.preventDefault();
      const password = byId<HTMLInputElement>('proof-password').value;
      const code = byId<HTMLInputElement>('proof-code').value.trim();
      finish(password !== '' ? { password } : code !== '' ? { code } : {});
    };
    const onPasskey = () => {
      passkeyProofInBrowser(auth).then(finish, () => finish(null));
    };
    const onCancel = () => finish(null);
    form.addEventListener('submit', onSubmit);
    passkey.addEventListener('click', onPasskey);
    cancel.addEventListener('click', onCancel);
    dialog.addEventListener('cancel', onCancel);
    dialog.showModal();
    byId<HTMLInputElement>('proof-password').focus();
  });
}
