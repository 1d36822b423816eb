/**
 * How each opinion group voted on one statement, as shares of that group's voters on it:
 * rows for a stacked bar per group (agree, pass, disagree), and a plain-text summary per group.
 */
import type { AnalysisSnapshot } from '../../contract/analysis.js';
import { groupLabels } from '../analysis/findings.js';

export const voteKinds = ['agree', 'pass', 'disagree'] as const;
export type VoteKind = (typeof voteKinds)[number];

export interface GroupVoteRow {
  group: string;
  vote: VoteKind;
  count: number;
  share: number;
}

export interface GroupVoteSummary {
  group: string;
  voters: number;
  agree: number;
  disagree: number;
  pass: number;
}

export interface GroupVoteSeries {
  rows: GroupVoteRow[];
  groups: GroupVoteSummary[];
}

export function groupVoteSeries(snapshot: Pick<AnalysisSnapshot, 'groups' | 'groupVotes'>, statementId: string): GroupVoteSeries {
  const labels = groupLabels(snapshot.groups);
  const tallies = snapshot.groupVotes[statementId] ?? {};
  const rows: GroupVoteRow[] = [];
  const groups: GroupVoteSummary[] = [];
  for (const g of snapshot.groups) {
    const label = labels.get(g.id) ?? g.id;
    const t = tallies[g.id] ?? { agree: 0, disagree: 0, pass: 0 };
    const voters = t.agree + t.disagree + t.pass;
    const share = (n: number) => (voters > 0 ? n / voters : 0);
    groups.push({ group: label, voters, agree: share(t.agree), disagree: share(t.disagree), pass: share(t.pass) });
    for (const vote of voteKinds) rows.push({ group: label, vote, count: t[vote], share: share(t[vote]) });
  }
  return { rows, groups };
}
