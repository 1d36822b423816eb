/**
 * The facts the model of MODEL.md §2–4 and §6–7 is computed from. The store builds them from
 * stored rows and events (never from cached counters), so every figure can be recomputed from
 * the event log alone. Times are milliseconds since the epoch (UTC).
 *
 * Each kind is an array in its canonical order (acts by instant first). An `acts` array handed
 * out only ever grows at its end (acts at or after its last one); any other change comes as a new
 * array. The model builds its ledger on an acts array and extends it as the array grows
 * (ledger.ts), so a figure at the present costs what changed, not the whole history.
 */
import type { EndorsementKind, Role, Verdict, VoteValue } from '../vocabulary.js';

export type Millis = number;

/** A role a member held from an instant on, until the next period of their history. */
export interface RolePeriod {
  role: Role;
  from: Millis;
}

export interface MemberFact {
  id: string;
  joinedAt: Millis;
  constituency: string | null;
  /**
   * The member's roles over time, oldest first, the first from joining (MODEL.md §3: only acts
   * made while of role member are practice). Absent: of role member throughout.
   */
  roles?: RolePeriod[];
}

export interface IssueFact {
  id: string;
  title: string;
  openedAt: Millis;
  resolvedAt: Millis | null;
}

/**
 * One act of a member on an issue (MODEL.md §3): a vote cast (each cast, changes included; for
 * acts_m a statement voted on counts once, by statementId), a statement written, an answer to a
 * line version (once per version, by lineVersionId), an action taken part in (once per action).
 */
export interface ActFact {
  memberId: string;
  issueId: string;
  at: Millis;
  kind: 'vote' | 'statement' | 'endorsement' | 'action';
  /** The statement voted on or written; null for endorsements and actions. */
  statementId: string | null;
  /** The line version answered (endorsements). Absent: each answer counts apart. */
  lineVersionId?: string | null;
  /** The action taken part in (actions). */
  actionId?: string | null;
  /** The vote's value (votes): a vote that repeats the member's current value is no act. */
  value?: VoteValue;
  /**
   * A vote carried over from a duplicate statement when it was merged into this one: the
   * duplicate's id. The member's current vote, but no act: acts are what members did, when they did it.
   */
  carriedFrom?: string | null;
}

export interface ReportFact {
  id: string;
  issueId: string;
  memberId: string;
  at: Millis;
  claimId: string | null;
  verdict: Verdict | null;
}

export interface CitationFact {
  kind: 'statement' | 'analysis' | 'report';
  /** The statement, analysis or report id. */
  ref: string;
}

export interface ClaimFact {
  id: string;
  text: string;
  cites: CitationFact[];
}

/** A published line version: its claims replace the previous version's. */
export interface LineVersionFact {
  id: string;
  issueId: string;
  number: number;
  publishedAt: Millis;
  claims: ClaimFact[];
}

export interface EndorsementFact {
  memberId: string;
  lineVersionId: string;
  issueId: string;
  at: Millis;
  kind: EndorsementKind;
}

/** What an analysis (the opinion engine's snapshot) says, as far as the model needs it. */
export interface AnalysisFact {
  id: string;
  issueId: string;
  at: Millis;
  groups: { id: string; members: string[] }[];
  consensus: string[];
  /** Group-representative statements, over all groups. */
  representative: string[];
  divisive: string[];
  /** Per statement, per group id: the share of the group's voters on it who agree (−1/0/1 votes), and how many voted. */
  groupVotes: Record<string, Record<string, { agree: number; disagree: number; pass: number }>>;
}

/** An organiser's mark that issue `blocker` must be resolved before issue `blocked` (MODEL.md §6). */
export interface BlockFact {
  blocker: string;
  blocked: string;
}

/** A member's mark that an issue matters to them (intensity, MODEL.md §6). */
export interface ImportanceFact {
  memberId: string;
  issueId: string;
  at: Millis;
}

export interface ModelFacts {
  members: MemberFact[];
  issues: IssueFact[];
  acts: ActFact[];
  reports: ReportFact[];
  lines: LineVersionFact[];
  endorsements: EndorsementFact[];
  analyses: AnalysisFact[];
  blocks: BlockFact[];
  importance: ImportanceFact[];
}
