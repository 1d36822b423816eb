import { z } from 'zod';

/** An id as the API hands them out: random, base64url. */
export const Id = z.string().regex(/^[A-Za-z0-9_-]{8,64}$/, 'must be an id as returned by the API');
export const Timestamp = z.string().describe('ISO-8601 date-time (UTC)');
export const ErrorBody = z.object({ error: z.string(), message: z.string() });

export const OrgParams = z.object({ orgId: Id });
export const IssueParams = z.object({ orgId: Id, issueId: Id });
export const StatementParams = z.object({ orgId: Id, statementId: Id });

/** Trimmed text with bounds, naming the rule in its message. */
export function text(min: number, max: number) {
  return (
    z
      .string()
      .trim()
      .min(min, min === 1 ? 'must not be empty' : `must be at least ${min} characters`)
      .max(max, `must be at most ${max} characters`)
      // NUL is valid JSON but no database stores it in text (PostgreSQL refuses it).
      // eslint-disable-next-line no-control-regex
      .regex(/^[^\u0000]*$/, 'must not contain the NUL character')
  );
}
