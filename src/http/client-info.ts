// What we record about the client that opened a session.

/** Client IP (from Cloudflare's `CF-Connecting-IP`), user agent and country. */
export interface ClientInfo {
  ip: string | null;
  userAgent: string | null;
  country: string | null;
}

const MAX_USER_AGENT_LENGTH = 256;

/** Reads the client's details from a request; every field may be missing. */
export function readClientInfo(request: Request): ClientInfo {
  const ip = request.headers.get('CF-Connecting-IP')?.trim() || null;
  const userAgent = request.headers.get('User-Agent')?.slice(0, MAX_USER_AGENT_LENGTH) || null;
  const cf = (request as Request & { cf?: { country?: unknown } }).cf;
  const country = typeof cf?.country === 'string' ? cf.country : null;
  return { ip: ip && ip.length <= 64 ? ip : null, userAgent, country };
}
