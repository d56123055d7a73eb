// The demo's account parts: "Forgot password?", the "verify your address" banner, and account settings.

import { AuthClientError, type AuthClient, type AuthSession, type Proof } from '../src/client';
import { announce, byId } from './dom';

/** A password field's value, or `undefined` when left empty (an account signed up through a provider has none). */
/** The proof a settings form carries: its password field, or none (`{}`) when left empty. */
function proofOf(id: string): Proof {
  const password = byId<HTMLInputElement>(id).value;
  return password === '' ? {} : { password };
}

function messageOf(error: unknown): string {
  return error instanceof AuthClientError ? error.message : 'Something went wrong. Please try again.';
}

/** Submits a form through `action`, with its buttons disabled meanwhile and the outcome announced. */
function onSubmit(id: string, action: (form: HTMLFormElement) => Promise<string>): void {
  const form = byId<HTMLFormElement>(id);
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const buttons = [...form.querySelectorAll('button')];
    buttons.forEach((button) => (button.disabled = true));
    try {
      announce(await action(form));
      form.reset();
    } catch (error) {
      announce(messageOf(error));
    } finally {
      buttons.forEach((button) => (button.disabled = false));
    }
  });
}

/** Shows the banner while the signed-in user's address is not verified. */
export function renderVerificationBanner(session: AuthSession | null): void {
  byId('verify-banner').hidden = !session || session.user.emailVerified;
}

/** Wires the forgot-password form, the banner's button and the settings forms to the client. */
export function wireAccountViews(auth: AuthClient): void {
  const toggle = byId<HTMLButtonElement>('forgot-toggle');
  toggle.addEventListener('click', () => {
    const form = byId('forgot-form');
    form.hidden = !form.hidden;
    toggle.setAttribute('aria-expanded', String(!form.hidden));
    if (!form.hidden) byId<HTMLInputElement>('forgot-email').value = byId<HTMLInputElement>('email').value;
  });
  onSubmit('forgot-form', async () => {
    await auth.requestPasswordReset(byId<HTMLInputElement>('forgot-email').value);
    return 'If an account uses that address, a reset link is on its way.';
  });
  byId('resend-verification').addEventListener('click', async () => {
    try {
      await auth.requestEmailVerification();
      announce('A new verification link is on its way.');
    } catch (error) {
      announce(messageOf(error));
    }
  });
  onSubmit('change-email-form', async () => {
    const newEmail = byId<HTMLInputElement>('new-email').value;
    await auth.changeEmail(newEmail, proofOf('change-email-password'));
    return `Check ${newEmail.trim()} for a link: the address changes once you follow it.`;
  });
  onSubmit('delete-account-form', async () => {
    await auth.deleteAccount(proofOf('delete-password'));
    return 'Your account is deleted.';
  });
}
