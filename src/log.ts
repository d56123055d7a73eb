// Structured log lines: one JSON object per line, never a token, password or cookie value.

export type LogLevel = 'info' | 'warn' | 'error';

/** Writes one structured log line. Callers pass ids and reasons, never secrets. */
export function logEvent(level: LogLevel, event: string, fields: Record<string, unknown> = {}): void {
  const line = JSON.stringify({ level, event, time: new Date().toISOString(), ...fields });
  if (level === 'error') console.error(line);
  else if (level === 'warn') console.warn(line);
  else console.log(line);
}
