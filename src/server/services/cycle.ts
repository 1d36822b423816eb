/**
 * The mass-line cycle's transitions with their guards (MODEL.md §2). Every transition is an
 * event with who and when.
 *   gather → concentrate   always; an analysis of the gathering is started
 *   concentrate → propagate only by publishing a line version (routes/lines.ts)
 *   propagate → test       allowed below the embrace target, and then recorded on the cycle
 *   test → gather          a new cycle, seeded with every refuted claim and every report of the test phase
 */
import { DomainError, nextPhase, type ModelFacts, type ModelSettings, type Phase } from '../../core/index.js';
import { embraceRateAt } from '../../core/model/embrace.js';
import { refutedClaimsAt } from '../../core/model/quality.js';
import { events, inTransaction, issues, lines, organisations, practice, statements, type Db } from '../../store/index.js';
import type { AppContext } from '../context.js';
import { modelSettingsOf } from '../model-settings.js';

export interface Advanced {
  cycle: issues.CycleRow;
  previousPhase: Phase;
  /** The embrace figures when leaving propagate. */
  embrace?: { meetsTarget: boolean; shortfalls: string[] } | undefined;
  seeded?: number | undefined;
}

export async function advanceCycle(ctx: AppContext, input: { orgId: string; issueId: string; actorId: string; note: string | null }): Promise<Advanced> {
  const db = ctx.store.db;
  const at = ctx.clock();
  // The model's facts as kept (read before the transaction: inside it they would be read whole,
  // the organisation's every vote, while the write waits): the embrace and refuted claims judged on them.
  const [facts, org] = await Promise.all([ctx.facts.of(input.orgId), organisations.getOrganisation(db, input.orgId)]);
  const settings = modelSettingsOf(org?.settings ?? '{}');
  const result = await inTransaction(db, async (trx) => {
    const cycle = await issues.currentCycle(trx, input.orgId, input.issueId);
    const to = nextPhase(cycle.phase);
    const event = (cycleId: string, data: object) =>
      events.recordEvent(trx, {
        orgId: input.orgId,
        issueId: input.issueId,
        cycleId,
        type: 'cycle.advanced',
        at: at.toISOString(),
        actorId: input.actorId,
        data: { note: input.note, ...data },
      });

    if (cycle.phase === 'concentrate') {
      throw new DomainError('invalid_transition', 'phase: the cycle moves to propagate when a line version is published (POST /line-versions/{id}/publish)');
    }
    if (cycle.phase === 'propagate') {
      const embrace = await embraceOfCurrent(trx, facts, settings, input.orgId, input.issueId, at);
      if (!(await issues.setCyclePhase(trx, cycle.id, 'propagate', 'test'))) throw new DomainError('conflict', 'cycle: advanced by someone else meanwhile');
      if (!embrace.meetsTarget) await issues.markBelowTarget(trx, cycle.id);
      await event(cycle.id, { from: 'propagate', to: 'test', cycle: cycle.number, belowTarget: !embrace.meetsTarget, shortfalls: embrace.shortfalls });
      return { cycle: { ...cycle, phase: 'test' as const, below_target: embrace.meetsTarget ? 0 : 1 }, previousPhase: cycle.phase, embrace };
    }
    if (to) {
      if (!(await issues.setCyclePhase(trx, cycle.id, cycle.phase, to))) throw new DomainError('conflict', 'cycle: advanced by someone else meanwhile');
      await event(cycle.id, { from: cycle.phase, to, cycle: cycle.number });
      return { cycle: { ...cycle, phase: to }, previousPhase: cycle.phase };
    }
    // test → the next cycle's gather, seeded with what practice said.
    if (!(await issues.endCycle(trx, cycle.id, at.toISOString()))) throw new DomainError('conflict', 'cycle: advanced by someone else meanwhile');
    const next = await issues.startCycle(trx, { orgId: input.orgId, issueId: input.issueId, number: cycle.number + 1, at: at.toISOString() });
    const seeded = await seedFromPractice(trx, facts, input.orgId, input.issueId, cycle.id, next.id, at);
    await event(next.id, { from: 'test', to: 'gather', cycle: next.number, seeded });
    return { cycle: next, previousPhase: cycle.phase, seeded };
  });
  // The organisers concentrate on an analysis of this cycle's gathering: start it now.
  if (result.cycle.phase === 'concentrate') ctx.jobs.analyses.voteArrived(input.orgId, input.issueId);
  void ctx.live.publish(input.orgId, {
    type: 'phase',
    issueId: input.issueId,
    cycleNumber: result.cycle.number,
    phase: result.cycle.phase,
    previousPhase: result.previousPhase,
  });
  return result;
}

async function embraceOfCurrent(db: Db, facts: ModelFacts, settings: ModelSettings, orgId: string, issueId: string, at: Date) {
  const version = await lines.currentVersion(db, orgId, issueId);
  if (!version) return { meetsTarget: false, shortfalls: ['no published line version'] };
  const embrace = embraceRateAt(facts, version.id, at.getTime(), settings);
  return embrace ? { meetsTarget: embrace.meetsTarget, shortfalls: embrace.shortfalls } : { meetsTarget: false, shortfalls: ['no responders'] };
}

/** Refuted claims and the test phase's reports come back as the new cycle's seed statements. */
async function seedFromPractice(
  db: Db,
  facts: ModelFacts,
  orgId: string,
  issueId: string,
  endedCycleId: string,
  newCycleId: string,
  at: Date,
): Promise<number> {
  const refuted = refutedClaimsAt(facts, issueId, at.getTime()).claims;
  const reports = await practice.listReports(db, orgId, { issueId, cycleId: endedCycleId });
  const existing = new Set((await statements.listStatements(db, orgId, issueId)).map((s) => s.text));
  const seeds: statements.StatementRow[] = [];
  const add = (text: string, origin: 'refuted-claim' | 'report', source: { claim?: string; report?: string }) => {
    const t = text.trim().slice(0, 400);
    if (t.length < 3 || existing.has(t)) return;
    existing.add(t);
    seeds.push(
      statements.statementRow({
        orgId,
        issueId,
        cycleId: newCycleId,
        authorId: null,
        text: t,
        status: 'accepted',
        origin,
        isSeed: true,
        sourceClaimId: source.claim ?? null,
        sourceReportId: source.report ?? null,
        at: at.toISOString(),
      }),
    );
  };
  for (const c of refuted) add(c.text, 'refuted-claim', { claim: c.claimId });
  for (const r of reports) add(r.what_happened, 'report', { report: r.id });
  await statements.insertStatements(db, seeds);
  return seeds.length;
}
