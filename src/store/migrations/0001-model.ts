import { sql } from 'kysely';
import type { StoreMigration } from './types.js';

/** The whole model of MODEL.md §1. */
export const migration0001: StoreMigration = {
  async up(db, t) {
    await db.schema
      .createTable('organisations')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('slug', 'text', (c) => c.notNull().unique())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('moderation', 'text', (c) => c.notNull().check(sqlIn('moderation', ['strict', 'permissive'])))
      .addColumn('settings', 'text', (c) => c.notNull().defaultTo('{}'))
      .addColumn('created_at', t.timestamp, (c) => c.notNull())
      .execute();

    await db.schema
      .createTable('members')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('org_id', 'text', (c) => c.notNull().references('organisations.id').onDelete('cascade'))
      .addColumn('display_name', 'text', (c) => c.notNull())
      .addColumn('email', 'text')
      .addColumn('password_hash', 'text')
      .addColumn('role', 'text', (c) => c.notNull().check(sqlIn('role', ['member', 'organiser', 'admin'])))
      .addColumn('constituency', 'text')
      .addColumn('external_ref', 'text')
      .addColumn('invite_id', 'text')
      .addColumn('joined_at', t.timestamp, (c) => c.notNull())
      .addUniqueConstraint('members_org_email', ['org_id', 'email'])
      .addUniqueConstraint('members_org_external', ['org_id', 'external_ref'])
      .execute();

    await db.schema
      .createTable('invites')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('org_id', 'text', (c) => c.notNull().references('organisations.id').onDelete('cascade'))
      .addColumn('token_hash', 'text', (c) => c.notNull().unique())
      .addColumn('role', 'text', (c) => c.notNull().check(sqlIn('role', ['member', 'organiser', 'admin'])))
      .addColumn('constituency', 'text')
      .addColumn('max_uses', 'integer', (c) => c.notNull())
      .addColumn('uses', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('expires_at', t.timestamp, (c) => c.notNull())
      .addColumn('revoked_at', t.timestamp)
      .addColumn('created_by', 'text', (c) => c.references('members.id').onDelete('set null'))
      .addColumn('created_at', t.timestamp, (c) => c.notNull())
      .execute();

    await db.schema
      .createTable('sessions')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('org_id', 'text', (c) => c.notNull().references('organisations.id').onDelete('cascade'))
      .addColumn('member_id', 'text', (c) => c.notNull().references('members.id').onDelete('cascade'))
      .addColumn('created_at', t.timestamp, (c) => c.notNull())
      .addColumn('expires_at', t.timestamp, (c) => c.notNull())
      .execute();

    await db.schema
      .createTable('issues')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('org_id', 'text', (c) => c.notNull().references('organisations.id').onDelete('cascade'))
      .addColumn('title', 'text', (c) => c.notNull())
      .addColumn('description', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull().check(sqlIn('status', ['open', 'resolved'])))
      .addColumn('predecessor_id', 'text', (c) => c.references('issues.id').onDelete('set null'))
      .addColumn('external_ref', 'text')
      .addColumn('created_by', 'text', (c) => c.references('members.id').onDelete('set null'))
      .addColumn('created_at', t.timestamp, (c) => c.notNull())
      .addColumn('resolved_at', t.timestamp)
      .execute();

    await db.schema
      .createTable('cycles')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('org_id', 'text', (c) => c.notNull().references('organisations.id').onDelete('cascade'))
      .addColumn('issue_id', 'text', (c) => c.notNull().references('issues.id').onDelete('cascade'))
      .addColumn('number', 'integer', (c) => c.notNull())
      .addColumn('phase', 'text', (c) => c.notNull().check(sqlIn('phase', ['gather', 'concentrate', 'propagate', 'test'])))
      .addColumn('started_at', t.timestamp, (c) => c.notNull())
      .addColumn('ended_at', t.timestamp)
      .addColumn('below_target', 'integer', (c) => c.notNull().defaultTo(0))
      .addUniqueConstraint('cycles_issue_number', ['issue_id', 'number'])
      .execute();

    await db.schema
      .createTable('statements')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('org_id', 'text', (c) => c.notNull().references('organisations.id').onDelete('cascade'))
      .addColumn('issue_id', 'text', (c) => c.notNull().references('issues.id').onDelete('cascade'))
      .addColumn('cycle_id', 'text', (c) => c.notNull().references('cycles.id').onDelete('cascade'))
      .addColumn('author_id', 'text', (c) => c.references('members.id').onDelete('set null'))
      .addColumn('text', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull().check(sqlIn('status', ['unmoderated', 'accepted', 'rejected'])))
      .addColumn('origin', 'text', (c) => c.notNull())
      .addColumn('is_seed', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('external_ref', 'text')
      .addColumn('created_at', t.timestamp, (c) => c.notNull())
      .addColumn('moderated_at', t.timestamp)
      .addColumn('moderated_by', 'text', (c) => c.references('members.id').onDelete('set null'))
      .addUniqueConstraint('statements_issue_external', ['issue_id', 'external_ref'])
      .execute();
    await db.schema.createIndex('statements_issue').on('statements').columns(['issue_id', 'status']).execute();

    await db.schema
      .createTable('votes')
      .addColumn('org_id', 'text', (c) => c.notNull().references('organisations.id').onDelete('cascade'))
      .addColumn('issue_id', 'text', (c) => c.notNull().references('issues.id').onDelete('cascade'))
      .addColumn('statement_id', 'text', (c) => c.notNull().references('statements.id').onDelete('cascade'))
      .addColumn('member_id', 'text', (c) => c.notNull().references('members.id').onDelete('cascade'))
      .addColumn('value', 'integer', (c) => c.notNull().check(sqlIn('value', [-1, 0, 1])))
      .addColumn('updated_at', t.timestamp, (c) => c.notNull())
      .addPrimaryKeyConstraint('votes_pk', ['statement_id', 'member_id'])
      .execute();
    await db.schema.createIndex('votes_issue_member').on('votes').columns(['issue_id', 'member_id']).execute();

    await db.schema
      .createTable('vote_log')
      .addColumn('seq', t.sequence, (c) => (t.sequence === 'integer' ? c.primaryKey().autoIncrement() : c.primaryKey()))
      .addColumn('org_id', 'text', (c) => c.notNull().references('organisations.id').onDelete('cascade'))
      .addColumn('issue_id', 'text', (c) => c.notNull().references('issues.id').onDelete('cascade'))
      .addColumn('statement_id', 'text', (c) => c.notNull().references('statements.id').onDelete('cascade'))
      .addColumn('member_id', 'text', (c) => c.notNull().references('members.id').onDelete('cascade'))
      .addColumn('value', 'integer', (c) => c.notNull().check(sqlIn('value', [-1, 0, 1])))
      .addColumn('idempotency_key', 'text')
      .addColumn('cast_at', t.timestamp, (c) => c.notNull())
      .addUniqueConstraint('vote_log_member_key', ['member_id', 'idempotency_key'])
      .execute();
    await db.schema.createIndex('vote_log_issue').on('vote_log').columns(['issue_id', 'seq']).execute();

    await db.schema
      .createTable('analyses')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('org_id', 'text', (c) => c.notNull().references('organisations.id').onDelete('cascade'))
      .addColumn('issue_id', 'text', (c) => c.notNull().references('issues.id').onDelete('cascade'))
      .addColumn('cycle_id', 'text', (c) => c.notNull().references('cycles.id').onDelete('cascade'))
      .addColumn('source', 'text', (c) => c.notNull())
      .addColumn('votes_seq', 'bigint', (c) => c.notNull())
      .addColumn('result', 'text', (c) => c.notNull())
      .addColumn('created_at', t.timestamp, (c) => c.notNull())
      .execute();
    await db.schema.createIndex('analyses_issue').on('analyses').columns(['issue_id', 'created_at']).execute();

    await db.schema
      .createTable('line_versions')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('org_id', 'text', (c) => c.notNull().references('organisations.id').onDelete('cascade'))
      .addColumn('issue_id', 'text', (c) => c.notNull().references('issues.id').onDelete('cascade'))
      .addColumn('cycle_id', 'text', (c) => c.notNull().references('cycles.id').onDelete('cascade'))
      .addColumn('number', 'integer', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull().check(sqlIn('status', ['draft', 'published'])))
      .addColumn('analysis_id', 'text', (c) => c.references('analyses.id').onDelete('set null'))
      .addColumn('created_by', 'text', (c) => c.references('members.id').onDelete('set null'))
      .addColumn('created_at', t.timestamp, (c) => c.notNull())
      .addColumn('published_at', t.timestamp)
      .addColumn('published_by', 'text', (c) => c.references('members.id').onDelete('set null'))
      .addUniqueConstraint('line_versions_issue_number', ['issue_id', 'number'])
      .execute();

    await db.schema
      .createTable('claims')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('org_id', 'text', (c) => c.notNull().references('organisations.id').onDelete('cascade'))
      .addColumn('line_version_id', 'text', (c) => c.notNull().references('line_versions.id').onDelete('cascade'))
      .addColumn('position', 'integer', (c) => c.notNull())
      .addColumn('text', 'text', (c) => c.notNull())
      .execute();

    await db.schema
      .createTable('actions')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('org_id', 'text', (c) => c.notNull().references('organisations.id').onDelete('cascade'))
      .addColumn('issue_id', 'text', (c) => c.notNull().references('issues.id').onDelete('cascade'))
      .addColumn('cycle_id', 'text', (c) => c.notNull().references('cycles.id').onDelete('cascade'))
      .addColumn('line_version_id', 'text', (c) => c.references('line_versions.id').onDelete('set null'))
      .addColumn('title', 'text', (c) => c.notNull())
      .addColumn('description', 'text', (c) => c.notNull())
      .addColumn('created_by', 'text', (c) => c.references('members.id').onDelete('set null'))
      .addColumn('created_at', t.timestamp, (c) => c.notNull())
      .execute();

    await db.schema
      .createTable('reports')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('org_id', 'text', (c) => c.notNull().references('organisations.id').onDelete('cascade'))
      .addColumn('issue_id', 'text', (c) => c.notNull().references('issues.id').onDelete('cascade'))
      .addColumn('cycle_id', 'text', (c) => c.notNull().references('cycles.id').onDelete('cascade'))
      .addColumn('action_id', 'text', (c) => c.references('actions.id').onDelete('set null'))
      .addColumn('member_id', 'text', (c) => c.notNull().references('members.id').onDelete('cascade'))
      .addColumn('claim_id', 'text', (c) => c.references('claims.id').onDelete('set null'))
      .addColumn('verdict', 'text', (c) => c.check(sqlIn('verdict', ['confirms', 'refutes', 'mixed'])))
      .addColumn('what_done', 'text', (c) => c.notNull())
      .addColumn('what_happened', 'text', (c) => c.notNull())
      .addColumn('created_at', t.timestamp, (c) => c.notNull())
      .execute();

    await db.schema
      .createTable('citations')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('org_id', 'text', (c) => c.notNull().references('organisations.id').onDelete('cascade'))
      .addColumn('claim_id', 'text', (c) => c.notNull().references('claims.id').onDelete('cascade'))
      .addColumn('kind', 'text', (c) => c.notNull().check(sqlIn('kind', ['statement', 'analysis', 'report'])))
      .addColumn('statement_id', 'text', (c) => c.references('statements.id').onDelete('set null'))
      .addColumn('analysis_id', 'text', (c) => c.references('analyses.id').onDelete('set null'))
      .addColumn('report_id', 'text', (c) => c.references('reports.id').onDelete('set null'))
      .addColumn('note', 'text')
      .execute();

    await db.schema
      .createTable('endorsements')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('org_id', 'text', (c) => c.notNull().references('organisations.id').onDelete('cascade'))
      .addColumn('line_version_id', 'text', (c) => c.notNull().references('line_versions.id').onDelete('cascade'))
      .addColumn('member_id', 'text', (c) => c.notNull().references('members.id').onDelete('cascade'))
      .addColumn('kind', 'text', (c) => c.notNull().check(sqlIn('kind', ['embrace', 'critique', 'amend'])))
      .addColumn('text', 'text')
      .addColumn('created_at', t.timestamp, (c) => c.notNull())
      .addUniqueConstraint('endorsements_version_member', ['line_version_id', 'member_id'])
      .execute();

    await db.schema
      .createTable('criticisms')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('org_id', 'text', (c) => c.notNull().references('organisations.id').onDelete('cascade'))
      .addColumn('target', 'text')
      .addColumn('text', 'text', (c) => c.notNull())
      .addColumn('written_on', 'text', (c) => c.notNull())
      .addColumn('published_at', t.timestamp)
      .addColumn('answer', 'text')
      .addColumn('answered_at', t.timestamp)
      .addColumn('answered_by', 'text', (c) => c.references('members.id').onDelete('set null'))
      .execute();

    await db.schema
      .createTable('events')
      // seq orders events written at the same instant; it never leaves the server.
      .addColumn('seq', t.sequence, (c) => (t.sequence === 'integer' ? c.primaryKey().autoIncrement() : c.primaryKey()))
      .addColumn('id', 'text', (c) => c.notNull().unique())
      .addColumn('org_id', 'text', (c) => c.notNull().references('organisations.id').onDelete('cascade'))
      .addColumn('issue_id', 'text', (c) => c.references('issues.id').onDelete('cascade'))
      .addColumn('cycle_id', 'text', (c) => c.references('cycles.id').onDelete('cascade'))
      .addColumn('type', 'text', (c) => c.notNull())
      .addColumn('actor_id', 'text', (c) => c.references('members.id').onDelete('set null'))
      .addColumn('at', t.timestamp, (c) => c.notNull())
      .addColumn('data', 'text', (c) => c.notNull().defaultTo('{}'))
      .execute();
    await db.schema.createIndex('events_org_at').on('events').columns(['org_id', 'at']).execute();
  },
};

function sqlIn(column: string, values: readonly (string | number)[]) {
  return sql`${sql.ref(column)} in (${sql.join(values.map((v) => sql.lit(v)))})`;
}
