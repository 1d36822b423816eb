/**
 * The tables of docs/MODEL.md §1, as Kysely sees them. Timestamps are ISO-8601 strings in UTC
 * on both dialects (the postgres dialect normalises timestamptz at connection time); JSON
 * columns hold text. Every row that belongs to an organisation carries `org_id`; every id that
 * leaves the server is random (store/ids.ts), never a sequence.
 */
import type { Generated } from 'kysely';
import type { EndorsementKind, IssueStatus, ModerationPolicy, Phase, Role, StatementOrigin, StatementStatus, Verdict, VoteValue } from '../../core/index.js';

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
  /** The member's role when the session was issued; a session whose member's role changed is renewed. Null: issued before roles were recorded. */
  role: Role | null;
  /** Last seen, recorded at most once an hour (the idle timeout); null: not since it was created. */
  seen_at: string | null;
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
  /** A duplicate merged by an organiser: the statement of the same issue that now carries its votes. */
  merged_into: string | null;
  merged_at: string | null;
  merged_by: string | null;
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
  /** The key of the request that cast it, if it came with one (retries are answered from vote_keys). */
  idempotency_key: string | null;
  cast_at: string;
  /** A vote carried over by a merge (migration 0010): the duplicate statement's id. Not an act of the member. */
  carried_from: string | null;
}

/**
 * Every vote sent with an idempotency key, changed or not, by member and key (migration
 * 0007-vote-keys): its statement and the value it answered. A retry with the key is answered
 * from here (that value, changed false) and writes nothing; on another statement it is refused.
 */
export interface VoteKeyTable {
  org_id: string;
  member_id: string;
  idempotency_key: string;
  statement_id: string;
  value: VoteValue;
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
  /** What else the analysis was made from (engine: the cycle and the statements kept out); null before migration 0009 and for imports. */
  basis: string | null;
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

/** A blind-signing key of an organisation for one epoch (ISO week). */
export interface CriticismKeyTable {
  org_id: string;
  epoch: string;
  /** SubjectPublicKeyInfo, DER, base64url. */
  public_key: string;
  /** PKCS#8, DER, base64url; null once the epoch's spending window has closed (deleted). */
  private_key: string | null;
  created_at: string;
  /** The key's entry in the organisation's public chain; null until appended. */
  published_at: string | null;
  position: number | null;
  prev_hash: string | null;
  content_hash: string | null;
  entry_hash: string | null;
}

/** The head of an organisation's public chain (criticism and epoch keys): appends lock this row. */
export interface CriticismChainHeadTable {
  org_id: string;
  position: number;
  entry_hash: string;
}

/** sha-256 of each blinded message signed for a member in an epoch: a repeated request counts once. */
export interface CriticismBlindedTable {
  org_id: string;
  epoch: string;
  member_id: string;
  blinded_hash: string;
}

/** What waits for a batch, as of the last publication. */
export interface CriticismCountsTable {
  org_id: string;
  as_of: string;
  pending: number;
}

/** Token counts per epoch, as of the last publication. */
export interface CriticismEpochCountsTable {
  org_id: string;
  epoch: string;
  tokens_issued: number;
  members_issued: number;
  tokens_spent: number;
}

/** How many tokens a member received in an epoch: the only thing kept of issuance. */
export interface CriticismIssuanceTable {
  org_id: string;
  epoch: string;
  member_id: string;
  tokens: number;
}

/** Criticism from below: no column can point back to its author, and no time finer than a day. */
export interface CriticismTable {
  id: string;
  org_id: string;
  target_kind: string;
  target_id: string | null;
  text: string;
  /** Coarse date (YYYY-MM-DD) only. */
  written_on: string;
  /** sha-256 of the canonical content: the author's receipt. */
  content_hash: string;
  /** The batch's fixed publication time; null while pending. */
  published_at: string | null;
  /** Place in the organisation's chain of published criticism. */
  position: number | null;
  prev_hash: string | null;
  entry_hash: string | null;
}

/** A spent token's hash; while its criticism waits for the batch, which one (cleared at publication). */
export interface CriticismSpentTokenTable {
  token_hash: string;
  org_id: string;
  epoch: string;
  pending_criticism_id: string | null;
}

export interface CriticismSecondTable {
  org_id: string;
  criticism_id: string;
  member_id: string;
  seconded_at: string;
}

export interface CriticismAnswerTable {
  id: string;
  org_id: string;
  criticism_id: string;
  author_id: string | null;
  text: string;
  answered_at: string;
}

export interface ActionParticipantTable {
  org_id: string;
  action_id: string;
  member_id: string;
  joined_at: string;
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
  vote_keys: VoteKeyTable;
  analyses: AnalysisTable;
  line_versions: LineVersionTable;
  claims: ClaimTable;
  citations: CitationTable;
  endorsements: EndorsementTable;
  actions: ActionTable;
  action_participants: ActionParticipantTable;
  reports: ReportTable;
  criticisms: CriticismTable;
  criticism_keys: CriticismKeyTable;
  criticism_issuance: CriticismIssuanceTable;
  criticism_spent_tokens: CriticismSpentTokenTable;
  criticism_chain_heads: CriticismChainHeadTable;
  criticism_blinded: CriticismBlindedTable;
  criticism_counts: CriticismCountsTable;
  criticism_epoch_counts: CriticismEpochCountsTable;
  criticism_seconds: CriticismSecondTable;
  criticism_answers: CriticismAnswerTable;
  events: EventTable;
  issue_blocks: IssueBlockTable;
  issue_importance: IssueImportanceTable;
}
