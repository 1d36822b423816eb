/** Output shaping: store rows → contract shapes. The only place that knows both. */
import { withGroupConsensus, type VoteValue } from '../core/index.js';
import type { AnalysisSnapshot } from '../contract/index.js';
import { modelSettingsOf, presentSettings } from './model-settings.js';
import type { analyses, issues, invites, members, organisations, statements } from '../store/index.js';

export function presentOrganisation(o: organisations.OrganisationRow, memberCount: number) {
  return {
    id: o.id,
    slug: o.slug,
    name: o.name,
    moderation: o.moderation,
    members: memberCount,
    settings: presentSettings(modelSettingsOf(o.settings)),
    createdAt: o.created_at,
  };
}

export function presentMember(m: members.MemberRow) {
  return { id: m.id, displayName: m.display_name, role: m.role, constituency: m.constituency, joinedAt: m.joined_at };
}

export function presentInvite(i: invites.InviteRow, at: string) {
  return {
    id: i.id,
    role: i.role,
    constituency: i.constituency,
    maxUses: i.max_uses,
    uses: i.uses,
    expiresAt: i.expires_at,
    revoked: i.revoked_at !== null,
    usable: i.revoked_at === null && i.uses < i.max_uses && i.expires_at > at,
    createdAt: i.created_at,
  };
}

export function presentCycle(c: issues.CycleRow) {
  return { id: c.id, number: c.number, phase: c.phase, startedAt: c.started_at, belowTarget: c.below_target === 1 };
}

export function presentIssueSummary(i: issues.IssueRow, c: issues.CycleRow) {
  return { id: i.id, title: i.title, description: i.description, status: i.status, cycle: presentCycle(c), createdAt: i.created_at };
}

const noVotes: statements.VoteCounts = { agree: 0, disagree: 0, pass: 0 };

export function presentStatement(s: statements.StatementRow, counts: statements.VoteCounts | undefined, myVote: VoteValue | null) {
  return {
    id: s.id,
    text: s.text,
    status: s.status,
    origin: s.origin,
    isSeed: s.is_seed === 1,
    createdAt: s.created_at,
    votes: counts ?? noVotes,
    myVote,
  };
}

/**
 * A stored analysis as served. Its consensus and divisive lists are read from its per-group
 * tallies under the rule (every group agrees), so an analysis stored when consensus meant the
 * overall majority never offers a statement one group rejects as consensus.
 */
export function presentAnalysis(a: analyses.AnalysisRow, cycleNumber: number, stale: boolean) {
  return { id: a.id, cycleNumber, createdAt: a.created_at, stale, snapshot: withGroupConsensus(JSON.parse(a.result) as AnalysisSnapshot) };
}
