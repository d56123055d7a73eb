// Whether a request reached a local run (wrangler dev, tests) rather than a deployed worker.

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

/**
 * True when the request URL names a host that can only be local: a loopback
 * address, `localhost`, or a name under the reserved `.localhost` or `.test`
 * top-level domains (RFC 6761), which never resolve on the Internet. Cloudflare
 * routes a deployed worker only under its real hostnames, so a deployed worker
 * never sees such a URL, whatever headers a client sends.
 *
 * @example
 * if (!isLocalRun(request)) throw new ConfigError('JWT_ISSUER', 'must be set in a deployed environment');
 */
export function isLocalRun(request: Request): boolean {
  const host = new URL(request.url).hostname.toLowerCase();
  if (LOOPBACK_HOSTS.has(host) || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host)) return true;
  return host.endsWith('.localhost') || host.endsWith('.test');
}
