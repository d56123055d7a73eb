// The messages edge-auth mails: plain text plus minimal HTML (escaped by hono/html), the product name from configuration, no tracking.

import { html } from 'hono/html';

/** What a queued message carries: everything a transport needs, already composed. */
export interface MailMessage {
  kind: MailKind;
  to: string;
  subject: string;
  text: string;
  html: string;
  /** The link the message carries, or `null` for a notice. */
  link: string | null;
  /** Set when the message is queued and kept through every retry: what a webhook receiver dedupes by. */
  id?: string;
}

/** Every kind of message the service sends. */
export type MailKind = 'verify_email' | 'password_reset' | 'email_change' | 'email_change_notice' | 'security_notice';

/** The template name each kind is logged and delivered under (`"template"` of a mail_console line). */
export const MAIL_TEMPLATES: Record<MailKind, string> = {
  verify_email: 'verify_email',
  password_reset: 'reset_password',
  email_change: 'change_email',
  email_change_notice: 'email_changed_notice',
  security_notice: 'security_notice',
};

/** The template of a message (an unknown kind, from an older deploy still in the queue, is named as it is). */
export function templateOf(message: Pick<MailMessage, 'kind'>): string {
  return MAIL_TEMPLATES[message.kind] ?? message.kind;
}

/** A change to the ways into an account that its owner is told of. */
export type SecurityChange =
  | 'password_changed'
  | 'password_reset'
  | 'totp_enabled'
  | 'totp_disabled'
  | 'passkey_added'
  | 'passkey_removed'
  | 'identity_linked'
  | 'identity_removed';

const CHANGE_WORDING: Record<SecurityChange, string> = {
  password_changed: 'The password of your account was changed',
  password_reset: 'The password of your account was reset with a link mailed to this address',
  totp_enabled: 'Two-factor sign-in (an authenticator app) was turned on for your account',
  totp_disabled: 'Two-factor sign-in (an authenticator app) was turned off for your account',
  passkey_added: 'A passkey was added to your account',
  passkey_removed: 'A passkey was removed from your account',
  identity_linked: 'A sign-in provider account was linked to your account and signed in for the first time',
  identity_removed: 'A sign-in provider account was unlinked from your account',
};

/** The wording of one kind of link message. */
interface LinkWording {
  subject: (product: string) => string;
  intro: (product: string) => string;
  action: string;
  ignore: string;
  /** Said when following the link takes the account back from whoever added ways in before the address was proven. */
  resetsAccount?: string;
}

type LinkKind = Exclude<MailKind, 'email_change_notice' | 'security_notice'>;

const LINK_WORDING: Record<LinkKind, LinkWording> = {
  verify_email: {
    subject: (product) => `Verify your email address for ${product}`,
    intro: (product) => `Please confirm that this address belongs to your ${product} account.`,
    action: 'Verify my address',
    ignore: 'If you did not create an account, you can ignore this message.',
  },
  password_reset: {
    subject: (product) => `Reset your ${product} password`,
    intro: (product) => `Someone asked to reset the password of the ${product} account for this address.`,
    action: 'Choose a new password',
    ignore: 'If it was not you, ignore this message: your password stays as it is.',
    resetsAccount:
      'This address was never confirmed for the account. Choosing a new password confirms it and removes every way to sign in added before: all sessions, passkeys, linked accounts, two-factor authentication and recovery codes. Add back what is yours once you are signed in.',
  },
  email_change: {
    subject: (product) => `Confirm your new email address for ${product}`,
    intro: (product) => `Please confirm that your ${product} account should use this address from now on.`,
    action: 'Use this address',
    ignore: 'If you did not ask for this, ignore this message: nothing changes.',
  },
};

/** Describes a lifetime in words ("30 minutes", "24 hours"). */
function describeSeconds(seconds: number): string {
  if (seconds % 3600 === 0) return seconds === 3600 ? '1 hour' : `${seconds / 3600} hours`;
  const minutes = Math.max(1, Math.round(seconds / 60));
  return minutes === 1 ? '1 minute' : `${minutes} minutes`;
}

/**
 * The HTML of a message: one paragraph per line, the link (when there is one) second. hono/html escapes every
 * interpolated string and leaves nested html`` fragments as they are, so no markup is ever built by hand.
 */
function htmlPage(paragraphs: string[], link?: { href: string; label: string }): string {
  const body = paragraphs.map((paragraph) => html`<p>${paragraph}</p>`);
  if (link) body.splice(1, 0, html`<p><a href="${link.href}">${link.label}</a></p>`);
  // html`` answers a Promise only when a value is one; none is here, so the page is already a string.
  return String(html`<!doctype html><html><body style="font-family:sans-serif;line-height:1.5">${body}</body></html>`);
}

/**
 * Composes a message that carries a single-use link.
 *
 * @example
 * composeLinkMail('password_reset', { to, link, productName: 'Acme', ttlSeconds: 1800 });
 */
export function composeLinkMail(
  kind: LinkKind,
  details: { to: string; link: string; productName: string; ttlSeconds: number; resetsAccount?: boolean },
): MailMessage {
  const wording = LINK_WORDING[kind];
  const product = details.productName;
  const expiry = `The link works once and expires in ${describeSeconds(details.ttlSeconds)}.`;
  const takesBack = details.resetsAccount && wording.resetsAccount ? [wording.resetsAccount] : [];
  const text = [wording.intro(product), '', `${wording.action}: ${details.link}`, '', expiry, ...takesBack, wording.ignore, '', `- ${product}`].join('\n');
  const html = htmlPage([wording.intro(product), expiry, ...takesBack, wording.ignore, `- ${product}`], { href: details.link, label: wording.action });
  return { kind, to: details.to, subject: wording.subject(product), text, html, link: details.link };
}

/** Composes the notice the old address gets when a change to a new address is asked for. */
export function composeEmailChangeNotice(details: { to: string; newEmail: string; productName: string }): MailMessage {
  const product = details.productName;
  const lines = [
    `Someone signed in to your ${product} account asked to move it to ${details.newEmail}.`,
    'Nothing changes until that address confirms. If it was not you, change your password now.',
    `- ${product}`,
  ];
  return {
    kind: 'email_change_notice',
    to: details.to,
    subject: `Your ${product} email address is being changed`,
    text: lines.join('\n\n'),
    html: htmlPage(lines),
    link: null,
  };
}

/** What a security notice says: the change, when, from which client, and where to go if it was not the owner. */
export interface SecurityNoticeDetails {
  to: string;
  change: SecurityChange;
  /** A name that tells the owner which item changed (a passkey's name, a provider), when there is one. */
  detail: string | undefined;
  productName: string;
  /** When the change was committed, in seconds since the epoch. */
  at: number;
  client: { ip: string | null; userAgent: string | null; country: string | null };
  /** The page that starts a password reset. */
  resetPage: string;
}

/**
 * Composes a `security_notice`: what changed, when, from which device, and
 * what to do if it was not the owner. It carries no token or secret.
 */
export function composeSecurityNotice(details: SecurityNoticeDetails): MailMessage {
  const product = details.productName;
  const when = `${new Date(details.at * 1000).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
  const device = [details.client.userAgent ?? 'an unknown browser', details.client.ip ? `IP address ${details.client.ip}` : null, details.client.country]
    .filter((part) => part !== null)
    .join(', ');
  const what = `${CHANGE_WORDING[details.change]}${details.detail ? ` (${details.detail})` : ''}.`;
  const lines = [
    `${what} This happened on ${when}, from ${device}.`,
    `If this was you, there is nothing to do. If it was not, reset your password now and review your ${product} account's passkeys, sign-in providers and two-factor settings.`,
    `- ${product}`,
  ];
  const text = [lines[0], '', `Reset your password: ${details.resetPage}`, '', lines[1], '', lines[2]].join('\n');
  return {
    kind: 'security_notice',
    to: details.to,
    subject: `Security notice for your ${product} account`,
    text,
    html: htmlPage(lines, { href: details.resetPage, label: 'Reset your password' }),
    link: null,
  };
}
