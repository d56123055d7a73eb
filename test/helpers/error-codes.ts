// The closed list of error codes, taken from the source of truth for assertions.
import { STATUS_BY_CODE } from '../../src/core/errors';

export const ERROR_CODES_FOR_TEST: readonly string[] = Object.keys(STATUS_BY_CODE);
