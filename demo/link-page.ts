// The /verify-email and /reset-password pages: read the token after "#", forget it from the URL, POST it on request.

import { AuthClientError, createAuthClient } from '../src/client';
import { announce, byId } from './dom';

const auth = createAuthClient({ baseUrl: location.origin, crossTab: false });
const kind = document.body.dataset.linkPage === 'reset' ? 'reset' : 'verify';
const token = new URLSearchParams(location.hash.slice(1)).get('token');
// The token never needs to stay in the address bar (or in history).
history.replaceState(null, '', location.pathname);

function finish(message: string): void {
  byId('link-view').hidden = true;
  announce(message);
  byId('back-link').focus();
}

async function submit(event: SubmitEvent): Promise<void> {
  event.preventDefault();
  const error = byId('form-error');
  error.textContent = '';
  const button = (event.currentTarget as HTMLFormElement).querySelector('button');
  if (button) button.disabled = true;
  try {
    if (!token) throw new AuthClientError('invalid_link', 'This page was opened without a link token. Use the link from your email.');
    if (kind === 'verify') {
      const user = await auth.verifyEmail(token);
      finish(`Thank you: ${user.email} is verified.`);
    } else {
      await auth.resetPassword(token, byId<HTMLInputElement>('new-password').value);
      finish('Your password is changed. Sign in with it on every device.');
    }
  } catch (caught) {
    error.textContent = caught instanceof AuthClientError ? caught.message : 'Something went wrong. Please try again.';
  } finally {
    if (button) button.disabled = false;
  }
}

byId<HTMLFormElement>('link-form').addEventListener('submit', (event) => void submit(event));
if (!token) byId('form-error').textContent = 'This page was opened without a link token. Use the link from your email.';
