// The demo's list of sessions, each with a "Revoke" button.

import { AuthClientError, type AuthClient, type SessionInfo } from '../src/client';
import { announce, byId, formatWhen } from './dom';

/** A short name for a browser from its user agent. */
function describeAgent(userAgent: string | null): string {
  if (!userAgent) return 'Unknown device';
  const browser = /(Edg|Firefox|Chrome|Safari)\/[\d.]+/.exec(userAgent)?.[1]?.replace('Edg', 'Edge') ?? 'Browser';
  const system = /(Windows|Mac OS X|Android|iPhone|Linux)/.exec(userAgent)?.[1]?.replace('Mac OS X', 'macOS') ?? '';
  return system ? `${browser} on ${system}` : browser;
}

function renderSession(auth: AuthClient, session: SessionInfo, reload: () => Promise<void>): HTMLLIElement {
  const item = document.createElement('li');
  item.dataset.sessionId = session.id;
  const text = document.createElement('div');
  const agent = document.createElement('div');
  agent.className = 'session-agent';
  agent.textContent = describeAgent(session.userAgent);
  if (session.current) {
    const badge = document.createElement('span');
    badge.className = 'badge';
    badge.textContent = 'This device';
    agent.append(badge);
  }
  const meta = document.createElement('div');
  meta.className = 'session-meta';
  meta.textContent = `Signed in ${formatWhen(session.createdAt)} · last used ${formatWhen(session.lastUsedAt)}`;
  text.append(agent, meta);
  const revoke = document.createElement('button');
  revoke.type = 'button';
  revoke.className = 'quiet';
  revoke.textContent = 'Revoke';
  revoke.setAttribute('aria-label', `Revoke ${session.current ? 'this device’s session' : `the session of ${agent.firstChild?.textContent ?? 'a device'} signed in ${formatWhen(session.createdAt)}`}`);
  revoke.addEventListener('click', async () => {
    revoke.disabled = true;
    try {
      await auth.revokeSession(session.id);
      announce(session.current ? 'This session was revoked. You are signed out.' : 'Session revoked.');
      if (!session.current) await reload();
    } catch (error) {
      revoke.disabled = false;
      announce(error instanceof AuthClientError ? error.message : 'Could not revoke the session.');
    }
  });
  item.append(text, revoke);
  return item;
}

/** Loads the sessions into the list; says so plainly when the server cannot list them. */
export async function loadSessions(auth: AuthClient): Promise<void> {
  const list = byId<HTMLUListElement>('sessions-list');
  const note = byId('sessions-note');
  const reload = () => loadSessions(auth);
  note.textContent = 'Loading sessions…';
  try {
    const sessions = await auth.listSessions();
    list.replaceChildren(...sessions.map((session) => renderSession(auth, session, reload)));
    note.textContent = sessions.length === 1 ? 'One active session.' : `${sessions.length} active sessions.`;
  } catch (error) {
    list.replaceChildren();
    if (error instanceof AuthClientError && error.code === 'not_found') note.textContent = 'This server does not list sessions.';
    else if (error instanceof AuthClientError && (error.code === 'session_expired' || error.code === 'not_signed_in')) note.textContent = '';
    else note.textContent = 'Could not load the sessions.';
  }
}
