// Reading the mail `npm start` delivers to the console: the mail_console log lines in the server's output.

export interface ConsoleMail {
  event: string;
  /** Which message it is: verify_email, reset_password, change_email, email_changed_notice, security_notice. */
  template: string;
  to: string;
  subject: string;
  text: string;
  link: string | null;
}

/** Every mail_console line in `output`, in the order they were printed. */
export function parseConsoleMails(output: string): ConsoleMail[] {
  return output
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

/**
 * Waits until more than `notBefore` mails to `to` carry a link opening `page`
 * (e.g. "/verify-email"), and returns the newest such link.
 */
export async function waitForMailedLink(readOutput: () => string, to: string, page: string, notBefore = 0): Promise<string> {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    const links = parseConsoleMails(readOutput())
      .filter((mail) => mail.to === to.toLowerCase() && mail.link?.includes(`${page}#token=`))
      .map((mail) => mail.link as string);
    if (links.length > notBefore) return links[links.length - 1] as string;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`no ${page} link was mailed to ${to}`);
}

/** The token a mailed link carries after `#token=`. */
export function tokenOfLink(link: string): string {
  return new URL(link).hash.slice('#token='.length);
}
