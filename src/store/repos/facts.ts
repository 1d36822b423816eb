/**
 * The model's facts (core/model/facts.ts), read from stored rows: the vote log, statements,
 * endorsements, reports, published line versions, analyses and marks. Never from cached
 * counters, so every figure of the model can be recomputed from what happened.
 */
import type { ModelFacts } from '../../core/model/facts.js';
import { AnalysisSnapshot } from '../../contract/analysis.js';
import type { Db } from '../db.js';
import { listPublishedVersions } from './lines.js';

const ms = (iso: string) => Date.parse(iso);

export async function loadModelFacts(db: Db, orgId: string): Promise<ModelFacts> {
  const [memberRows, issueRows, voteRows, statementRows, endorsementRows, reportRows, versions, analysisRows, blockRows, importanceRows] = await Promise.all([
    db.selectFrom('members').select(['id', 'joined_at', 'constituency']).where('org_id', '=', orgId).execute(),
    db.selectFrom('issues').select(['id', 'title', 'created_at', 'resolved_at']).where('org_id', '=', orgId).execute(),
    db.selectFrom('vote_log').select(['member_id', 'issue_id', 'statement_id', 'cast_at']).where('org_id', '=', orgId).orderBy('seq').execute(),
    db.selectFrom('statements').select(['id', 'issue_id', 'author_id', 'created_at']).where('org_id', '=', orgId).where('author_id', 'is not', null).execute(),
    db
      .selectFrom('endorsements')
      .innerJoin('line_versions', 'line_versions.id', 'endorsements.line_version_id')
      .select(['endorsements.member_id', 'endorsements.line_version_id', 'line_versions.issue_id', 'endorsements.created_at', 'endorsements.kind'])
      .where('endorsements.org_id', '=', orgId)
      .execute(),
    db.selectFrom('reports').select(['id', 'issue_id', 'member_id', 'created_at', 'claim_id', 'verdict']).where('org_id', '=', orgId).execute(),
    listPublishedVersions(db, orgId),
    db.selectFrom('analyses').select(['id', 'issue_id', 'created_at', 'result']).where('org_id', '=', orgId).where('source', '=', 'engine').orderBy('issue_id').orderBy('seq').execute(),
    db.selectFrom('issue_blocks').select(['blocker_id', 'blocked_id']).where('org_id', '=', orgId).execute(),
    db.selectFrom('issue_importance').select(['member_id', 'issue_id', 'marked_at']).where('org_id', '=', orgId).execute(),
  ]);
  return {
    members: memberRows.map((m) => ({ id: m.id, joinedAt: ms(m.joined_at), constituency: m.constituency })),
    issues: issueRows.map((i) => ({ id: i.id, title: i.title, openedAt: ms(i.created_at), resolvedAt: i.resolved_at ? ms(i.resolved_at) : null })),
    acts: [
      ...voteRows.map((v) => ({ memberId: v.member_id, issueId: v.issue_id, at: ms(v.cast_at), kind: 'vote' as const, statementId: v.statement_id })),
      ...statementRows.map((s) => ({ memberId: s.author_id!, issueId: s.issue_id, at: ms(s.created_at), kind: 'statement' as const, statementId: s.id })),
      ...endorsementRows.map((e) => ({ memberId: e.member_id, issueId: e.issue_id, at: ms(e.created_at), kind: 'endorsement' as const, statementId: null })),
    ].sort((a, b) => a.at - b.at),
    reports: reportRows.map((r) => ({ id: r.id, issueId: r.issue_id, memberId: r.member_id, at: ms(r.created_at), claimId: r.claim_id, verdict: r.verdict })),
    lines: versions.map((v) => ({
      id: v.id,
      issueId: v.issue_id,
      number: v.number,
      publishedAt: ms(v.published_at!),
      claims: v.claims.map((c) => ({
        id: c.id,
        text: c.text,
        cites: c.citations.map((x) => ({ kind: x.kind, ref: (x.statement_id ?? x.analysis_id ?? x.report_id)! })).filter((x) => x.ref !== null),
      })),
    })),
    endorsements: endorsementRows.map((e) => ({ memberId: e.member_id, lineVersionId: e.line_version_id, issueId: e.issue_id, at: ms(e.created_at), kind: e.kind })),
    analyses: analysisRows.map((a) => {
      const s = AnalysisSnapshot.parse(JSON.parse(a.result));
      return {
        id: a.id,
        issueId: a.issue_id,
        at: ms(a.created_at),
        groups: s.groups.map((g) => ({ id: g.id, members: g.members })),
        consensus: s.consensus.map((c) => c.statementId),
        representative: [...new Set(s.groups.flatMap((g) => g.representative.map((r) => r.statementId)))],
        divisive: s.divisive.map((d) => d.statementId),
        groupVotes: s.groupVotes,
      };
    }),
    blocks: blockRows.map((b) => ({ blocker: b.blocker_id, blocked: b.blocked_id })),
    importance: importanceRows.map((i) => ({ memberId: i.member_id, issueId: i.issue_id, at: ms(i.marked_at) })),
  };
}
