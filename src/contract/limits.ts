/**
 * How long what people write may be, and how many blinded messages one token request holds: the
 * figures the schemas check and the pages' forms show. No zod here, so the pages import it
 * without the schemas.
 */
export const textLimits = {
  statement: { min: 3, max: 400 },
  criticism: { min: 10, max: 2000 },
  criticismAnswer: { min: 3, max: 4000 },
  issueTitle: { min: 1, max: 200 },
  issueDescription: { max: 5000 },
  cycleNote: { max: 1000 },
  claim: { min: 3, max: 600 },
  endorsement: { min: 3, max: 2000 },
  actionTitle: { min: 3, max: 200 },
  actionDescription: { max: 4000 },
  report: { min: 3, max: 4000 },
  displayName: { min: 1, max: 80 },
  constituency: { min: 1, max: 60 },
} as const;

/** The server signs at most this many blinded messages in one request. */
export const BLINDED_PER_REQUEST = 20;
