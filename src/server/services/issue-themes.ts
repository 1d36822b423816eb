/**
 * An issue's themes (src/engine/text themesOf) over the statements members may see and the
 * reports, with each opinion group's votes on each theme's statements from the latest analysis.
 * Computed on the first request after the inputs changed and kept per issue, keyed by the latest
 * analysis and the statements' and reports' fingerprints: themes are recomputed with the analyses
 * (and when a statement or a report is added, moderated or merged), not per request. Which claims
 * cite a theme is read per request (a newly published line shows at once).
 */
import { themesOf, UNTHEMED } from '../../engine/index.js';
import { statementVisible, type ModerationPolicy } from '../../core/index.js';
import type { AnalysisSnapshot } from '../../contract/index.js';
import { practice, statements, themeInputs, type Db } from '../../store/index.js';

/** Issues whose themes are kept; the least recently asked beyond are dropped. */
const MAX_ISSUES = 32;

export interface ThemeText {
  id: string;
  text: string;
}

export interface GroupVotesOnTheme {
  groupId: string;
  members: number;
  agree: number;
  disagree: number;
  pass: number;
  agreeShare: number | null;
}

export interface IssueTheme {
  id: string;
  label: string;
  terms: string[];
  statements: ThemeText[];
  reports: ThemeText[];
  groups: GroupVotesOnTheme[];
}

export interface IssueThemes {
  analysis: { id: string; createdAt: string } | null;
  themes: IssueTheme[];
  unthemed: { statements: ThemeText[]; reports: ThemeText[] };
  /** Merged statements of the issue and the statement each now lives in: a claim citing a duplicate cites its target's theme. */
  mergedInto: ReadonlyMap<string, string>;
  computedAt: string;
}

export interface ThemeCache {
  themesOf(orgId: string, issueId: string, policy: ModerationPolicy): Promise<IssueThemes>;
  /** How many times themes were computed (tests: a second request must not compute again). */
  readonly computations: number;
}

/** Agree, disagree and pass summed over the theme's statements, per group in the snapshot's order. */
export function groupVotesOnTheme(snapshot: Pick<AnalysisSnapshot, 'groups' | 'groupVotes'>, statementIds: readonly string[]): GroupVotesOnTheme[] {
  return snapshot.groups.map((g) => {
    const sum = { agree: 0, disagree: 0, pass: 0 };
    for (const id of statementIds) {
      const t = snapshot.groupVotes[id]?.[g.id];
      if (!t) continue;
      sum.agree += t.agree;
      sum.disagree += t.disagree;
      sum.pass += t.pass;
    }
    const votes = sum.agree + sum.disagree + sum.pass;
    return { groupId: g.id, members: g.members.length, ...sum, agreeShare: votes > 0 ? sum.agree / votes : null };
  });
}

/** A report as one text: what was done, then what happened (once, when both say the same). */
export function reportTextOf(whatDone: string, whatHappened: string): string {
  const done = whatDone.trim();
  const happened = whatHappened.trim();
  if (!happened || happened === done) return done;
  if (!done) return happened;
  return /[.!?。！？]$/u.test(done) ? `${done} ${happened}` : `${done}. ${happened}`;
}

export function createThemeCache(db: () => Db, clock: () => Date): ThemeCache {
  const kept = new Map<string, { key: string; themes: Promise<IssueThemes> }>();
  let computations = 0;

  async function compute(orgId: string, issueId: string, policy: ModerationPolicy, analysisId: string | null): Promise<IssueThemes> {
    computations++;
    const [statementRows, reportRows, analysis] = await Promise.all([
      statements.listStatements(db(), orgId, issueId),
      practice.listReports(db(), orgId, { issueId }),
      analysisId ? themeInputs.analysisById(db(), orgId, analysisId) : Promise.resolve(undefined),
    ]);
    const shown = statementRows.filter((s) => s.merged_into === null && statementVisible(s.status, policy));
    const statementText = new Map(shown.map((s) => [s.id, s.text]));
    const reportText = new Map(reportRows.map((r) => [r.id, reportTextOf(r.what_done, r.what_happened)]));
    const grouped = themesOf([...[...statementText].map(([id, text]) => ({ id, text })), ...[...reportText].map(([id, text]) => ({ id, text }))]);
    const snapshot = analysis ? (JSON.parse(analysis.result) as AnalysisSnapshot) : null;
    const split = (ids: readonly string[]) => ({
      statements: ids.flatMap((id) => (statementText.has(id) ? [{ id, text: statementText.get(id)! }] : [])),
      reports: ids.flatMap((id) => (reportText.has(id) ? [{ id, text: reportText.get(id)! }] : [])),
    });
    const themes: IssueTheme[] = [];
    let unthemed: IssueThemes['unthemed'] = { statements: [], reports: [] };
    for (const t of grouped) {
      const items = split(t.itemIds);
      if (t.id === UNTHEMED) {
        unthemed = items;
        continue;
      }
      themes.push({
        id: t.id,
        label: t.label,
        terms: t.terms,
        ...items,
        groups: snapshot
          ? groupVotesOnTheme(
              snapshot,
              items.statements.map((s) => s.id),
            )
          : [],
      });
    }
    return {
      analysis: analysis ? { id: analysis.id, createdAt: analysis.createdAt } : null,
      themes,
      unthemed,
      mergedInto: new Map(statementRows.flatMap((s) => (s.merged_into === null ? [] : [[s.id, s.merged_into] as const]))),
      computedAt: clock().toISOString(),
    };
  }

  return {
    async themesOf(orgId, issueId, policy) {
      const [head, statementsNow, reportsNow] = await Promise.all([
        themeInputs.latestAnalysisHead(db(), orgId, issueId),
        statements.statementsFingerprint(db(), orgId, issueId),
        themeInputs.reportsFingerprint(db(), orgId, issueId),
      ]);
      const key = JSON.stringify([orgId, policy, head?.id ?? null, statementsNow, reportsNow]);
      const held = kept.get(issueId);
      if (held?.key === key) {
        kept.delete(issueId);
        kept.set(issueId, held);
        return held.themes;
      }
      // Concurrent requests share one computation; a failed one is not kept.
      const themes = compute(orgId, issueId, policy, head?.id ?? null);
      kept.delete(issueId);
      kept.set(issueId, { key, themes });
      themes.catch(() => {
        if (kept.get(issueId)?.themes === themes) kept.delete(issueId);
      });
      while (kept.size > MAX_ISSUES) kept.delete(kept.keys().next().value!);
      return themes;
    },
    get computations() {
      return computations;
    },
  };
}
