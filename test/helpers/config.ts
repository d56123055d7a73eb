// Config tests' helper: the ConfigError a set of variables (on top of the test signing keys) raises.

import { env } from 'cloudflare:workers';
import { parseConfig } from '../../src/core/config';
import { ConfigError } from '../../src/core/errors';

/** The ConfigError parsing these variables throws; fails the test when it parses or throws anything else. */
export function configError(vars: Record<string, unknown>): ConfigError {
  try {
    parseConfig({ JWT_SIGNING_KEYS: env.JWT_SIGNING_KEYS, ...vars });
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected a ConfigError');
}
