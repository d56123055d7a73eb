// The messages edge-auth mails: plain text plus minimal HTML, the product name from configuration, no tracking.

/** What a queued message carries: everything a transport needs, already composed. */
export interface MailMessage {
  kind: MailKind;
  to: string;
  subject: string;
  text: string;
  html: string;
  /** The link the message carries, or `null` for a notice. */
  link: string | null;
}

/** Every kind of message the service sends. */
export type MailKind = 'verify_email' | 'password_reset' | 'email_change' | 'email_change_notice';

/** The wording of one kind of link message. */
interface LinkWording {
  subject: (product: string) => string;
  intro: (product: string) => string;
  action: string;
  ignore: string;
  /** Said when following the link takes the account back from whoever added ways in before the address was proven. */
  resetsAccount?: string;
}

const LINK_WORDING: Record<Exclude<MailKind, 'email_change_notice'>, LinkWording> = {
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

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (character) => `&#${character.charCodeAt(0)};`);
}

function htmlPage(paragraphs: string[], link?: { href: string; label: string }): string {
  const body = paragraphs.map((paragraph) => `<p>${escapeHtml(paragraph)}</p>`);
  if (link) body.splice(1, 0, `<p><a href="${escapeHtml(link.href)}">${escapeHtml(link.label)}</a></p>`);
  return `<!doctype html><html><body style="font-family:sans-serif;line-height:1.5">${body.join('')}</body></html>`;
}

/**
 * Composes a message that carries a single-use link.
 *
 * @example
 * composeLinkMail('password_reset', { to, link, productName: 'Acme', ttlSeconds: 1800 });
 */
export function composeLinkMail(
  kind: Exclude<MailKind, 'email_change_notice'>,
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
