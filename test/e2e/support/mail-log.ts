// Reading the links `npm start` mails to the console (mail_console log lines) from the mirrored server output.
import { readFileSync } from 'node:fs';
import { inject } from 'vitest';

interface ConsoleMail {
  to: string;
  link: string | null;
}

function consoleMails(): ConsoleMail[] {
  return readFileSync(inject('serverLogPath'), 'utf8')
    .split('\n')
    .filter((line) => line.includes('"mail_console"'))
    .flatMap((line) => {
      try {
        return [JSON.parse(line.slice(line.indexOf('{'))) as ConsoleMail];
      } catch {
        return [];
      }
    });
}

/** Waits for a mail to `to` whose link opens `page` (e.g. "/verify-email") and returns the newest such link. */
export async function waitForMailedLink(to: string, page: string, notBefore = 0): Promise<string> {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    const links = consoleMails()
      .filter((mail) => mail.to === to.toLowerCase() && mail.link?.includes(`${page}#token=`))
      .map((mail) => mail.link as string);
    if (links.length > notBefore) return links[links.length - 1] as string;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`no ${page} link was mailed to ${to}`);
}
