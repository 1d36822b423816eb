/** The words of docs/MODEL.md §1 as closed sets. */

export const roles = ['member', 'organiser', 'admin'] as const;
export type Role = (typeof roles)[number];

/** Whether `role` carries at least the rights of `needed` (member < organiser < admin). */
export function roleAtLeast(role: Role, needed: Role): boolean {
  return roles.indexOf(role) >= roles.indexOf(needed);
}

/** One pass of the mass line: gather → concentrate → propagate → test, then a new cycle. */
export const phases = ['gather', 'concentrate', 'propagate', 'test'] as const;
export type Phase = (typeof phases)[number];

/** The phase after `phase`, or null when the cycle ends (test is followed by a new cycle's gather). */
export function nextPhase(phase: Phase): Phase | null {
  const i = phases.indexOf(phase);
  return i + 1 < phases.length ? (phases[i + 1] ?? null) : null;
}

/** agree = 1, disagree = −1, pass = 0. */
export const voteValues = [-1, 0, 1] as const;
export type VoteValue = (typeof voteValues)[number];

export const statementStatuses = ['unmoderated', 'accepted', 'rejected'] as const;
export type StatementStatus = (typeof statementStatuses)[number];

/** strict: only accepted statements are shown; permissive: unmoderated ones are shown too. */
export const moderationPolicies = ['strict', 'permissive'] as const;
export type ModerationPolicy = (typeof moderationPolicies)[number];

/** Whether a statement in `status` is shown to members under `policy`. */
export function statementVisible(status: StatementStatus, policy: ModerationPolicy): boolean {
  return status === 'accepted' || (policy === 'permissive' && status === 'unmoderated');
}

export const statementOrigins = ['member', 'organiser', 'import', 'refuted-claim', 'report'] as const;
export type StatementOrigin = (typeof statementOrigins)[number];

export const endorsementKinds = ['embrace', 'critique', 'amend'] as const;
export type EndorsementKind = (typeof endorsementKinds)[number];

export const verdicts = ['confirms', 'refutes', 'mixed'] as const;
export type Verdict = (typeof verdicts)[number];

export const issueStatuses = ['open', 'resolved'] as const;
export type IssueStatus = (typeof issueStatuses)[number];
