/**
 * What the routes publish to the live streams after a change committed, with what plain members
 * may be told: nothing of a statement they never could see, and no id of one they may not see now.
 */
import { statementVisible, type ModerationPolicy, type StatementStatus } from '../../core/index.js';
import type { LiveChange } from '../../contract/index.js';
import { organisations } from '../../store/index.js';
import type { AppContext } from '../context.js';

export interface StatementChange {
  orgId: string;
  issueId: string;
  /** The statement as it now stands (for a merge: the statement merged into). */
  statementId: string;
  status: StatementStatus;
  change: 'added' | 'moderated' | 'merged';
  /** Whether members could see it before (for a merge: the duplicate). A new statement could not. */
  before?: StatementStatus | undefined;
  /** The organisation's moderation policy, when the caller has it at hand. */
  moderation?: ModerationPolicy | undefined;
}

/** Publish a statement's change; never throws (the write it reports has happened). */
export async function publishStatementChange(ctx: AppContext, c: StatementChange): Promise<void> {
  let moderation = c.moderation;
  // An accepted statement is shown under either policy: the policy is asked only about the others.
  const policyMatters = c.status !== 'accepted' || (c.before !== undefined && c.before !== 'accepted');
  if (moderation === undefined && policyMatters) {
    try {
      moderation = (await organisations.getOrganisation(ctx.store.db, c.orgId))?.moderation ?? 'strict';
    } catch {
      moderation = 'strict';
    }
  }
  const visibleNow = statementVisible(c.status, moderation ?? 'strict');
  const visibleBefore = c.before !== undefined && statementVisible(c.before, moderation ?? 'strict');
  const full: LiveChange = { type: 'statement', issueId: c.issueId, statementId: c.statementId, change: c.change };
  const forMembers: LiveChange | null = visibleNow ? full : visibleBefore ? { type: 'statement', issueId: c.issueId, change: c.change } : null;
  await ctx.live.publish(c.orgId, full, forMembers);
}
