/**
 * The tables of docs/MODEL.md §1, as Kysely sees them. Timestamps are ISO-8601 strings in UTC
 * on both dialects (the postgres dialect normalises timestamptz at connection time); JSON
 * columns hold text. Every row that belongs to an organisation carries `org_id`; every id that
 * leaves the server is random (store/ids.ts), never a sequence.
 */
import type { Generated } from 'kysely';
import type {
  EndorsementKind,
  IssueStatus,
  ModerationPolicy,
  Phase,
  Role,
  StatementOrigin,
  StatementStatus,
  Verdict,
  VoteValue,
} from '../../core/index.js';

export interface OrganisationTable {
  id: string;
  slug: string;
  name: string;
  moderation: ModerationPolicy;
  /** Per-organisation settings of the model (MODEL.md defaults apply where absent). */
  settings: string;
  created_at: string;
}

export interface MemberTable {
  id: string;
  org_id: string;
  display_name: string;
  email: string | null;
  password_hash: string | null;
  role: Role;
  constituency: string | null;
  /** The participant id this member had in an imported conversation. */
  external_ref: string | null;
  invite_id: string | null;
  joined_at: string;
}

export interface InviteTable {
  id: string;
  org_id: string;
  token_hash: string;
  role: Role;
  constituency: string | null;
  max_uses: number;
  uses: number;
  expires_at: string;
  revoked_at: string | null;
  created_by: string | null;
  created_at: string;
}

export interface SessionTable {
  /** sha-256 of the cookie's token: the token itself is never stored. */
  id: string;
  org_id: string;
  member_id: string;
  created_at: string;
  expires_at: string;
}

export interface IssueTable {
  id: string;
  org_id: string;
  title: string;
  description: string;
  status: IssueStatus;
  /** The issue this one succeeds (lineage, MODEL.md §7). */
  predecessor_id: string | null;
  external_ref: string | null;
  created_by: string | null;
  created_at: string;
  resolved_at: string | null;
}

export interface CycleTable {
  id: string;
  org_id: string;
  issue_id: string;
  number: number;
  phase: Phase;
  started_at: string;
  ended_at: string | null;
  /** Set when propagation moved on below the embrace target. */
  below_target: number;
}

export interface StatementTable {
  id: string;
  org_id: string;
  issue_id: string;
  cycle_id: string;
  author_id: string | null;
  text: string;
  status: StatementStatus;
  origin: StatementOrigin;
  is_seed: number;
  external_ref: string | null;
  created_at: string;
  moderated_at: string | null;
  moderated_by: string | null;
  /** A seed statement's origin: the refuted claim or the report it came back from. */
  source_claim_id: string | null;
  source_report_id: string | null;
}

/** The current vote of each member on each statement. */
export interface VoteTable {
  org_id: string;
  issue_id: string;
  statement_id: string;
  member_id: string;
  value: VoteValue;
  updated_at: string;
}

/** Every vote ever cast, append-only. `seq` orders it and never leaves the server. */
export interface VoteLogTable {
  seq: Generated<number>;
  org_id: string;
  issue_id: string;
  statement_id: string;
  member_id: string;
  value: VoteValue;
  idempotency_key: string | null;
  cast_at: string;
}

export interface AnalysisTable {
  id: string;
  org_id: string;
  issue_id: string;
  cycle_id: string;
  /** 'engine' for our own analysis, 'import' for groups that came with an imported conversation. */
  source: string;
  /** The vote log position the analysis saw (its inputs' version). */
  votes_seq: number;
  /** Position among the issue's analyses, in the order they were made. */
  seq: number;
  result: string;
  created_at: string;
}

export interface LineVersionTable {
  id: string;
  org_id: string;
  issue_id: string;
  cycle_id: string;
  number: number;
  status: 'draft' | 'published';
  analysis_id: string | null;
  created_by: string | null;
  created_at: string;
  published_at: string | null;
  published_by: string | null;
}

export interface ClaimTable {
  id: string;
  org_id: string;
  line_version_id: string;
  position: number;
  text: string;
}

export interface CitationTable {
  id: string;
  org_id: string;
  claim_id: string;
  kind: 'statement' | 'analysis' | 'report';
  statement_id: string | null;
  analysis_id: string | null;
  report_id: string | null;
  note: string | null;
}

export interface EndorsementTable {
  id: string;
  org_id: string;
  line_version_id: string;
  member_id: string;
  kind: EndorsementKind;
  text: string | null;
  created_at: string;
}

export interface ActionTable {
  id: string;
  org_id: string;
  issue_id: string;
  cycle_id: string;
  line_version_id: string | null;
  title: string;
  description: string;
  created_by: string | null;
  created_at: string;
}

export interface ReportTable {
  id: string;
  org_id: string;
  issue_id: string;
  cycle_id: string;
  action_id: string | null;
  member_id: string;
  claim_id: string | null;
  verdict: Verdict | null;
  what_done: string;
  what_happened: string;
  created_at: string;
}

/** Criticism from below: no column can point back to its author. */
export interface CriticismTable {
  id: string;
  org_id: string;
  target: string | null;
  text: string;
  /** Coarse date (YYYY-MM-DD) only. */
  written_on: string;
  published_at: string | null;
  answer: string | null;
  answered_at: string | null;
  answered_by: string | null;
}

export interface EventTable {
  /** Write order; internal. */
  seq: Generated<number>;
  id: string;
  org_id: string;
  issue_id: string | null;
  cycle_id: string | null;
  type: string;
  actor_id: string | null;
  at: string;
  data: string;
}

/** An organiser's mark: issue `blocker` must be resolved before issue `blocked`. */
export interface IssueBlockTable {
  org_id: string;
  blocker_id: string;
  blocked_id: string;
  created_by: string | null;
  created_at: string;
}

/** A member's mark that an issue matters to them. */
export interface IssueImportanceTable {
  org_id: string;
  issue_id: string;
  member_id: string;
  marked_at: string;
}

export interface Database {
  organisations: OrganisationTable;
  members: MemberTable;
  invites: InviteTable;
  sessions: SessionTable;
  issues: IssueTable;
  cycles: CycleTable;
  statements: StatementTable;
  votes: VoteTable;
  vote_log: VoteLogTable;
  analyses: AnalysisTable;
  line_versions: LineVersionTable;
  claims: ClaimTable;
  citations: CitationTable;
  endorsements: EndorsementTable;
  actions: ActionTable;
  reports: ReportTable;
  criticisms: CriticismTable;
  events: EventTable;
  issue_blocks: IssueBlockTable;
  issue_importance: IssueImportanceTable;
}
