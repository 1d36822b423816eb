/**
 * How each opinion group votes on a theme's statements, summed over them: rows for a stacked bar
 * per group (agree, pass, disagree as shares of the group's votes on the theme), and a plain-text
 * summary per group. Same shape as one statement's group votes, so the same chart draws it.
 */
import type { ThemesDto } from '../api/client.js';
import { groupLabel } from '../analysis/findings.js';
import { voteKinds, type GroupVoteRow, type GroupVoteSeries, type GroupVoteSummary } from './group-votes-series.js';

export type ThemeGroupVotes = ThemesDto['themes'][number]['groups'][number];

/** Groups in the analysis's order, lettered A, B, … as on the opinion map; a group without votes on the theme shows empty. */
export function themeVoteSeries(groups: readonly ThemeGroupVotes[]): GroupVoteSeries {
  const rows: GroupVoteRow[] = [];
  const summaries: GroupVoteSummary[] = [];
  groups.forEach((g, i) => {
    const group = groupLabel(i);
    const voters = g.agree + g.disagree + g.pass;
    const share = (n: number) => (voters > 0 ? n / voters : 0);
    summaries.push({ group, voters, agree: share(g.agree), disagree: share(g.disagree), pass: share(g.pass) });
    for (const vote of voteKinds) rows.push({ group, vote, count: g[vote], share: share(g[vote]) });
  });
  return { rows, groups: summaries };
}
