// The demo's two-step sign-in: set up an authenticator app (QR code drawn in the page), turn it on or off, and the code prompt at sign-in.

import { encode } from 'uqr';
import { AuthClientError, type AuthClient } from '../src/client';
import { announce, byId } from './dom';
import { askForProof } from './proof-prompt';

const PIXELS_PER_MODULE = 5;

function messageOf(error: unknown): string {
  return error instanceof AuthClientError ? error.message : 'Something went wrong. Please try again.';
}

/** Draws the otpauth:// URI as a QR code on the canvas (dark modules on white, with the quiet zone). */
function drawQrCode(canvas: HTMLCanvasElement, text: string): void {
  const qr = encode(text, { ecc: 'M', border: 4 });
  canvas.width = qr.size * PIXELS_PER_MODULE;
  canvas.height = qr.size * PIXELS_PER_MODULE;
  const context = canvas.getContext('2d');
  if (!context) return;
  context.fillStyle = '#fff';
  context.fillRect(0, 0, canvas.width, canvas.height);
  context.fillStyle = '#000';
  qr.data.forEach((row, y) =>
    row.forEach((dark, x) => {
      if (dark) context.fillRect(x * PIXELS_PER_MODULE, y * PIXELS_PER_MODULE, PIXELS_PER_MODULE, PIXELS_PER_MODULE);
    }),
  );
}

/** Six digits are an app code; anything else is taken as a recovery code. */
function factorFrom(typed: string): { code: string } | { recoveryCode: string } {
  const trimmed = typed.trim();
  return /^\d{6}$/.test(trimmed) ? { code: trimmed } : { recoveryCode: trimmed };
}

let pendingMfaToken: string | null = null;

/** After a right password, or a provider sign-in, on an account with TOTP on: asks for the code that finishes the sign-in. */
export function promptForSecondFactor(mfaToken: string | undefined): void {
  pendingMfaToken = mfaToken ?? null;
  byId('sign-in-form').hidden = true;
  byId('mfa-form').hidden = false;
  byId('mfa-error').textContent = '';
  byId('mfa-title').focus();
}

function closeSecondFactorPrompt(): void {
  pendingMfaToken = null;
  byId<HTMLFormElement>('mfa-form').reset();
  byId('mfa-form').hidden = true;
  byId('sign-in-form').hidden = false;
}

/** Wires the sign-in code prompt and the settings of two-step sign-in. */
export function wireTotpViews(auth: AuthClient): void {
  const mfaForm = byId<HTMLFormElement>('mfa-form');
  mfaForm.addEventListener('submit', async (event) => {
    event.preventDefault();
    const error = byId('mfa-error');
    error.textContent = '';
    try {
      await auth.completeMfaLogin(pendingMfaToken ?? '', factorFrom(byId<HTMLInputElement>('mfa-code').value));
      closeSecondFactorPrompt();
      announce('You are signed in.');
    } catch (caught) {
      if (caught instanceof AuthClientError && (caught.code === 'invalid_mfa_token' || caught.code === 'too_many_attempts')) closeSecondFactorPrompt();
      (caught instanceof AuthClientError && caught.code === 'invalid_mfa_token' ? byId('form-error') : error).textContent = messageOf(caught);
    }
  });
  byId('mfa-cancel').addEventListener('click', closeSecondFactorPrompt);

  byId('totp-setup').addEventListener('click', async () => {
    const proof = await askForProof(auth, 'Setting up an authenticator app needs a proof that it is you.');
    if (proof === null) return;
    try {
      const setup = await auth.setUpTotp(proof);
      drawQrCode(byId<HTMLCanvasElement>('totp-qr'), setup.otpauthUri);
      byId('totp-secret').textContent = setup.secret;
      byId('totp-recovery').hidden = true;
      byId('totp-setup-panel').hidden = false;
      byId<HTMLInputElement>('totp-enable-code').focus();
    } catch (error) {
      announce(messageOf(error));
    }
  });

  byId<HTMLFormElement>('totp-enable-form').addEventListener('submit', async (event) => {
    event.preventDefault();
    try {
      const codes = await auth.enableTotp(byId<HTMLInputElement>('totp-enable-code').value.trim());
      byId('totp-setup-panel').hidden = true;
      byId<HTMLFormElement>('totp-enable-form').reset();
      const list = byId('totp-recovery-codes');
      list.replaceChildren(...codes.map((code) => Object.assign(document.createElement('li'), { textContent: code })));
      byId('totp-recovery').hidden = false;
      announce('Two-step sign-in is on. Keep the recovery codes somewhere safe.');
    } catch (error) {
      announce(messageOf(error));
    }
  });

  byId<HTMLFormElement>('totp-disable-form').addEventListener('submit', async (event) => {
    event.preventDefault();
    try {
      await auth.disableTotp(factorFrom(byId<HTMLInputElement>('totp-disable-code').value));
      byId<HTMLFormElement>('totp-disable-form').reset();
      byId('totp-recovery').hidden = true;
      announce('Two-step sign-in is off.');
    } catch (error) {
      announce(error instanceof AuthClientError && error.code === 'reauthentication_required' ? 'Sign in again to turn two-step sign-in off.' : messageOf(error));
    }
  });
}
