// Unix seconds as the API writes them: ISO 8601 timestamps in UTC.

/** Unix seconds as an ISO 8601 timestamp, e.g. `2030-01-01T00:00:00.000Z`. */
export function isoFromSeconds(seconds: number): string {
  return new Date(seconds * 1000).toISOString();
}
