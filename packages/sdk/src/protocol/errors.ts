import { z } from 'zod';

import { ErrorCode } from './codes.js';

export { ErrorCode };

/** Schema of any error code. */
export const ErrorCodeSchema = z.enum(Object.values(ErrorCode) as [ErrorCode, ...ErrorCode[]]);

/** One problem found in an invalid payload: where it is and what is wrong (never the value itself). */
export const PayloadIssueSchema = z.object({
  path: z.string(),
  message: z.string(),
});
/** One problem found in an invalid payload. */
export type PayloadIssue = z.infer<typeof PayloadIssueSchema>;

/** The body of every REST error response. */
export const ErrorBodySchema = z.object({
  error: z.object({
    code: ErrorCodeSchema,
    message: z.string(),
    issues: z.array(PayloadIssueSchema).optional(),
  }),
});
/** The body of every REST error response. */
export type ErrorBody = z.infer<typeof ErrorBodySchema>;
