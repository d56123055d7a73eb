// The response body no capability owns: the error every route answers (each capability keeps its own response schemas).

import * as v from 'valibot';
import { STATUS_BY_CODE, type ErrorCode } from '../core/errors';
import { namedSchema } from './schema';

/** `{"error","message"}`: every error the service answers. */
export const errorResponse = namedSchema(
  'Error',
  v.strictObject({
    error: v.pipe(v.picklist(Object.keys(STATUS_BY_CODE) as ErrorCode[]), v.description('A stable code to branch on.')),
    message: v.pipe(v.string(), v.description('One sentence for a person; never echoes what was sent.')),
  }),
);
