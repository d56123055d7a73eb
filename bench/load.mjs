// One autocannon run against one route on loopback: requests per second and latency percentiles.
import autocannon from 'autocannon';

/**
 * Runs `scenario` for `durationSeconds` with `connections` open connections.
 * A scenario is { path, method?, headers?, body?, nextRequest? }: `nextRequest`
 * chains requests (refresh tokens are single-use): `refill()` before the run,
 * then `prepare()` builds each request and `remember()` reads each answer.
 * Resolves to { requestsPerSecond, p50Milliseconds, p99Milliseconds, total, non2xx, errors }.
 */
export async function runLoad(url, scenario, { connections, durationSeconds }) {
  const request = { method: scenario.method ?? 'GET', path: scenario.path, headers: scenario.headers ?? {}, body: scenario.body };
  if (scenario.nextRequest) {
    await scenario.nextRequest.refill();
    request.setupRequest = (prepared) => ({ ...prepared, ...scenario.nextRequest.prepare() });
    request.onResponse = (status, responseBody) => scenario.nextRequest.remember(status, responseBody);
  }
  const result = await autocannon({
    url,
    connections,
    duration: durationSeconds,
    requests: [request],
  });
  return {
    requestsPerSecond: result.requests.average,
    p50Milliseconds: result.latency.p50,
    p99Milliseconds: result.latency.p99,
    total: result.requests.total,
    non2xx: result.non2xx,
    errors: result.errors + result.timeouts,
  };
}
