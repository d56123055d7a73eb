// The demo page: sign in or register, show the user and the access token's life, manage sessions.

import { AuthClientError, createAuthClient, type AuthSession, type AuthStatus } from '../src/client';
import { renderVerificationBanner, wireAccountViews } from './account-view';
import { announce, byId, formatMinutesSeconds } from './dom';
import { loadPasskeys, wirePasskeyViews } from './passkeys-view';
import { loadIdentities, wireProviderViews } from './providers-view';
import { loadSessions } from './sessions-view';
import { promptForSecondFactor, wireTotpViews } from './totp-view';

const auth = createAuthClient({ baseUrl: location.origin });
let countdownTimer: ReturnType<typeof setInterval> | undefined;
let shownSessionId: string | null = null;

function messageOf(error: unknown): string {
  return error instanceof AuthClientError ? error.message : 'Something went wrong. Please try again.';
}

function updateCountdown(session: AuthSession, tokenLifeMs: number): void {
  const remainingMs = session.accessTokenExpiresAt - Date.now();
  byId('token-countdown').textContent =
    remainingMs > 0 ? `expires in ${formatMinutesSeconds(remainingMs / 1000)}` : 'expired; the next request refreshes it';
  const bar = byId<HTMLProgressElement>('token-life');
  bar.value = Math.max(0, Math.min(1, remainingMs / tokenLifeMs));
}

function startCountdown(session: AuthSession): void {
  clearInterval(countdownTimer);
  const tokenLifeMs = Math.max(1000, session.accessTokenExpiresAt - Date.now());
  updateCountdown(session, tokenLifeMs);
  countdownTimer = setInterval(() => updateCountdown(session, tokenLifeMs), 1000);
}

function render(session: AuthSession | null, status: AuthStatus): void {
  document.body.dataset.state = status === 'signed_in' ? 'signed-in' : status === 'signed_out' ? 'signed-out' : 'loading';
  byId('loading-view').hidden = status !== 'loading';
  byId('signed-out-view').hidden = status !== 'signed_out';
  byId('signed-in-view').hidden = status !== 'signed_in';
  renderVerificationBanner(session);
  if (!session) {
    clearInterval(countdownTimer);
    if (shownSessionId !== null) {
      // Also when another tab or device ended the session; a local action then says more.
      announce('You have been signed out.');
      byId('sign-in-title').focus();
    }
    shownSessionId = null;
    return;
  }
  byId('user-email').textContent = session.user.email;
  byId('user-id').textContent = session.user.id;
  byId('session-id').textContent = session.sessionId;
  startCountdown(session);
  if (shownSessionId !== session.sessionId) {
    const firstShow = shownSessionId === null;
    shownSessionId = session.sessionId;
    if (firstShow) byId('account-title').focus();
    void loadSessions(auth);
    void loadPasskeys(auth);
    void loadIdentities(auth);
  }
}

async function submitSignIn(event: SubmitEvent): Promise<void> {
  event.preventDefault();
  const form = event.currentTarget as HTMLFormElement;
  const intent = (event.submitter as HTMLButtonElement | null)?.value ?? 'login';
  const email = byId<HTMLInputElement>('email').value;
  const password = byId<HTMLInputElement>('password').value;
  const error = byId('form-error');
  error.textContent = '';
  const buttons = [...form.querySelectorAll('button')];
  buttons.forEach((button) => (button.disabled = true));
  try {
    if (intent === 'register') await auth.register(email, password);
    await auth.login(email, password);
    form.reset();
    announce(intent === 'register' ? 'Account created. You are signed in.' : 'You are signed in.');
  } catch (caught) {
    if (caught instanceof AuthClientError && caught.code === 'mfa_required') {
      byId<HTMLInputElement>('password').value = '';
      promptForSecondFactor(caught.mfaToken);
      return;
    }
    error.textContent = messageOf(caught);
  } finally {
    buttons.forEach((button) => (button.disabled = false));
  }
}

/** Runs a button's action with the button disabled and the outcome announced. */
function onClick(id: string, action: () => Promise<string>): void {
  const button = byId<HTMLButtonElement>(id);
  button.addEventListener('click', async () => {
    button.disabled = true;
    try {
      announce(await action());
    } catch (error) {
      announce(error instanceof AuthClientError && error.code === 'session_expired' ? 'Your session has ended. Please sign in again.' : messageOf(error));
    } finally {
      button.disabled = false;
    }
  });
}

auth.onChange(render);
wireAccountViews(auth);
wirePasskeyViews(auth);
void wireProviderViews(auth);
wireTotpViews(auth);
byId<HTMLFormElement>('sign-in-form').addEventListener('submit', (event) => void submitSignIn(event));
onClick('check-button', async () => {
  const response = await auth.fetch('/auth/me');
  if (!response.ok) return `The server answered ${response.status}.`;
  const { user } = (await response.json()) as { user: { email: string } };
  return `The server recognises you as ${user.email} (${new Date().toLocaleTimeString()}).`;
});
onClick('logout-button', async () => {
  await auth.logout();
  return 'You are signed out.';
});
onClick('logout-all-button', async () => {
  await auth.logoutAll();
  return 'You are signed out on every device.';
});
onClick('reload-sessions', async () => {
  await loadSessions(auth);
  return '';
});

auth.init().then(
  (session) => {
    if (!session) render(null, auth.getStatus());
  },
  (error: unknown) => {
    render(null, 'signed_out');
    announce(`Could not restore your session: ${messageOf(error)}`);
  },
);
