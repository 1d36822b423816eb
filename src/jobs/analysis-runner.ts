/**
 * Keeps, per issue, the engine's sparse vote store and its previous analysis, so each new
 * analysis reads only the votes logged since the last one and warm-starts from it. Runs inside
 * the analysis worker thread (or inline, where a caller wants no thread).
 */
import { analyzeConversation, applyVote, createVoteStore, type Analysis, type VoteStore } from '../engine/index.js';
import type { AnalysisSnapshot } from '../contract/index.js';
import type { Message } from '../store/worker-protocol.js';
import { snapshotOf } from './snapshot.js';

export interface AnalysisRequest {
  issueId: string;
  /** Votes since `fromSeq` (members, statements and values side by side), oldest first. */
  fromSeq: number;
  toSeq: number;
  members: string[];
  statements: string[];
  values: number[];
  /** Statements kept out of the analysis (rejected, or not yet accepted under the strict policy). */
  moderatedOut: string[];
  seed: number;
}

export type AnalysisReply =
  | { ok: true; snapshot: AnalysisSnapshot; computeMs: number }
  /** The runner's state does not start where the request does (a restart): send every vote again. */
  | { ok: false; needsFullLoad: true; fromSeq: number };

/** What crosses between the analyst (analyst.ts) and its thread (analysis-worker.ts), in the worker protocol. */
export type AnalystMessages = {
  /** Analyse one issue from the votes logged since the runner's state. */
  run: Message<AnalysisRequest, AnalysisReply>;
};

interface IssueState {
  store: VoteStore;
  seq: number;
  previous: Analysis | undefined;
}

export class AnalysisRunner {
  private readonly issues = new Map<string, IssueState>();

  constructor(private readonly clock: () => number) {}

  /** The vote-log position this runner has seen for the issue (0 when it holds nothing). */
  seenSeq(issueId: string): number {
    return this.issues.get(issueId)?.seq ?? 0;
  }

  run(req: AnalysisRequest): AnalysisReply {
    let state = this.issues.get(req.issueId);
    if (req.fromSeq === 0) state = undefined;
    if (!state && req.fromSeq !== 0) return { ok: false, needsFullLoad: true, fromSeq: 0 };
    if (state && state.seq !== req.fromSeq) return { ok: false, needsFullLoad: true, fromSeq: 0 };
    state ??= { store: createVoteStore(), seq: 0, previous: undefined };
    for (let i = 0; i < req.values.length; i++) {
      const r = applyVote(state.store, req.members[i]!, req.statements[i]!, req.values[i]!);
      if (!r.ok) throw new Error(r.error.message);
    }
    state.seq = req.toSeq;
    const started = this.clock();
    const analysis = analyzeConversation(state.store, { seed: req.seed, moderatedOut: req.moderatedOut }, state.previous);
    const computeMs = this.clock() - started;
    state.previous = analysis;
    this.issues.set(req.issueId, state);
    return { ok: true, snapshot: { ...snapshotOf(analysis, computeMs), revision: req.toSeq }, computeMs };
  }
}
