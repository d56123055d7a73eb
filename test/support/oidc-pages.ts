// A browser at the test OpenID Provider, driven over HTTP: follow its redirects, fill in its own login and consent
// pages (or cancel), until it sends the browser back to the service. Used by the workerd tests and the Node journey.

/** A browser's cookies for one site: name → value (paths are ignored; the provider does not rely on them). */
export class CookieJar {
  readonly values = new Map<string, string>();

  store(response: Response): void {
    for (const line of response.headers.getSetCookie()) {
      const [pair = ''] = line.split(';');
      const separator = pair.indexOf('=');
      const name = pair.slice(0, separator).trim();
      const value = pair.slice(separator + 1).trim();
      if (/max-age=0/i.test(line) || value === '') this.values.delete(name);
      else this.values.set(name, value);
    }
  }

  header(): string {
    return [...this.values].map(([name, value]) => `${name}=${value}`).join('; ');
  }
}

/** The first form on a provider page: its action and its fields' current values. */
function readForm(html: string, pageUrl: string): { action: string; fields: Record<string, string> } {
  const form = /<form[^>]*action="([^"]+)"[^>]*>([\s\S]*?)<\/form>/.exec(html);
  if (!form) throw new Error(`no form on the provider page: ${html.slice(0, 300)}`);
  const fields: Record<string, string> = {};
  for (const input of form[2]?.matchAll(/<input[^>]*>/g) ?? []) {
    const name = /name="([^"]+)"/.exec(input[0])?.[1];
    if (name) fields[name] = /value="([^"]*)"/.exec(input[0])?.[1] ?? '';
  }
  return { action: new URL((form[1] ?? '').replaceAll('&amp;', '&'), pageUrl).href, fields };
}

/** The provider's "cancel" link on its login page (the user refuses). */
function readAbortLink(html: string, pageUrl: string): string {
  const link = /href="([^"]*\/abort)"/.exec(html);
  if (!link) throw new Error('no abort link on the provider page');
  return new URL(link[1] ?? '', pageUrl).href;
}

/** What a test does at the provider. */
export interface ProviderBehaviour {
  /** The login typed into the provider's page: an address; "unverified…" ones are unverified. */
  login: string;
  /** Refuse at the login page (the provider answers access_denied). */
  cancel?: boolean;
}

/**
 * From `firstUrl` (the provider's authorization URL), follows redirects and
 * submits each page's form until a redirect leads to `serviceOrigin`;
 * returns that URL (the callback with code and state, or an error).
 */
export async function walkProviderPages(firstUrl: string, serviceOrigin: string, jar: CookieJar, behaviour: ProviderBehaviour): Promise<URL> {
  let next: string | null = firstUrl;
  let init: RequestInit = {};
  for (let step = 0; step < 20 && next !== null; step++) {
    if (next.startsWith(serviceOrigin)) return new URL(next);
    const response: Response = await fetch(next, { ...init, redirect: 'manual', headers: { ...(init.headers as Record<string, string>), Cookie: jar.header() } });
    jar.store(response);
    const pageUrl: string = next;
    init = {};
    if (response.status >= 300 && response.status < 400) {
      next = new URL(response.headers.get('Location') ?? '', pageUrl).href;
      await response.body?.cancel();
      continue;
    }
    const html = await response.text();
    if (response.status !== 200) throw new Error(`provider answered ${response.status}: ${html.slice(0, 300)}`);
    if (behaviour.cancel && html.includes('name="login"')) {
      next = readAbortLink(html, pageUrl);
      continue;
    }
    const form = readForm(html, pageUrl);
    if ('login' in form.fields) Object.assign(form.fields, { login: behaviour.login, password: 'any password works here' });
    next = form.action;
    init = { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(form.fields).toString() };
  }
  throw new Error('the provider never sent the browser back');
}
