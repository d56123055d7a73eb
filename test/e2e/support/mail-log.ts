// Reading the links `npm start` mails to the console (mail_console log lines) from the mirrored server output.
import { readFileSync } from 'node:fs';
import { inject } from 'vitest';
import { waitForMailedLink as waitInOutput } from '../../support/console-mail';

/** Waits for a mail to `to` whose link opens `page` (e.g. "/verify-email") and returns the newest such link. */
export function waitForMailedLink(to: string, page: string, notBefore = 0): Promise<string> {
  return waitInOutput(() => readFileSync(inject('serverLogPath'), 'utf8'), to, page, notBefore);
}
