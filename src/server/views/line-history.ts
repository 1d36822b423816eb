/** A line's versions as members and organisers see them: claims, what they cite, the diff and the public marks. */
import { lineHistoryAt } from '../../core/model/line-history.js';
import type { ModelFacts } from '../../core/index.js';
import { issues, lines, loadModelFacts, organisations, statements, type Db } from '../../store/index.js';
import { modelSettingsOf } from '../model-settings.js';

/** `factsOf`: the model's facts (the context's, kept up to date; read whole by default). */
export async function lineHistoryView(
  db: Db,
  orgId: string,
  issueId: string,
  at: Date,
  factsOf: (orgId: string) => Promise<ModelFacts> = (o) => loadModelFacts(db, o),
) {
  const [versions, facts, statementRows, cycles, org] = await Promise.all([
    lines.listVersions(db, orgId, issueId),
    factsOf(orgId),
    statements.listStatements(db, orgId, issueId),
    issues.listCycles(db, orgId, issueId),
    organisations.getOrganisation(db, orgId),
  ]);
  // Revision without practice weighs the organisation's own k, α, L₀, P₀ and β.
  const history = lineHistoryAt(facts, issueId, at.getTime(), modelSettingsOf(org?.settings ?? '{}'));
  const recordOf = new Map(history.versions.map((r) => [r.lineVersionId, r]));
  const currentId = history.versions.at(-1)?.lineVersionId ?? null;
  const refuted = new Set(history.refuted.claims.map((c) => c.claimId));
  const textOf = new Map(statementRows.map((s) => [s.id, s.text]));
  const cycleNumber = new Map(cycles.map((c) => [c.id, c.number]));
  return versions.map((v) => {
    const record = recordOf.get(v.id);
    return {
      id: v.id,
      number: v.number,
      status: v.status,
      cycleNumber: cycleNumber.get(v.cycle_id) ?? 0,
      analysisId: v.analysis_id,
      createdAt: v.created_at,
      publishedAt: v.published_at,
      claims: v.claims.map((c) => ({
        id: c.id,
        position: c.position,
        text: c.text,
        cites: c.citations.map((x) => {
          const ref = (x.statement_id ?? x.analysis_id ?? x.report_id) as string;
          return { kind: x.kind, ref, note: x.note, text: x.kind === 'statement' ? (textOf.get(ref) ?? null) : null };
        }),
        refuted: v.id === currentId && refuted.has(c.id),
      })),
      diff: record
        ? { added: record.diff.added.map((c) => c.text), removed: record.diff.removed.map((c) => c.text), kept: record.diff.kept.map((c) => c.text) }
        : null,
      marks: { revisionWithoutPractice: record?.revisionWithoutPractice ?? false, driftedFromMasses: v.id === currentId && history.driftedFromMasses },
    };
  });
}
