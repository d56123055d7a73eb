// Captures what the app writes to the console, so tests can read its structured log lines.
import { vi } from 'vitest';

/** Console output captured while a test runs. */
export interface LogCapture {
  /** Every captured line, raw, in order. */
  lines(): string[];
  /** The captured lines parsed as JSON (a line that is not JSON throws). */
  records(): Record<string, unknown>[];
  /** Forgets what was captured so far. */
  clear(): void;
  /** Puts the real console back. */
  restore(): void;
}

const METHODS = ['log', 'info', 'warn', 'error', 'debug'] as const;

/** Starts capturing console.log/info/warn/error/debug. */
export function captureLogs(): LogCapture {
  const captured: string[] = [];
  const spies = METHODS.map((method) =>
    vi.spyOn(console, method).mockImplementation((...args: unknown[]) => {
      captured.push(args.map((arg) => (typeof arg === 'string' ? arg : JSON.stringify(arg) ?? String(arg))).join(' '));
    }),
  );
  return {
    lines: () => [...captured],
    records: () => captured.map((line) => JSON.parse(line) as Record<string, unknown>),
    clear: () => captured.splice(0),
    restore: () => spies.forEach((spy) => spy.mockRestore()),
  };
}
