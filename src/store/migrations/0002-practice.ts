import type { StoreMigration } from './types.js';

/**
 * What the cycle and the principal contradiction need beyond the first schema: where a seed
 * statement came from (a refuted claim, a report), the order of an issue's analyses,
 * organisers' "A must be resolved before B" marks, and members' "this matters to me" marks.
 */
export const migration0002: StoreMigration = {
  async up(db, t) {
    await db.schema.alterTable('statements').addColumn('source_claim_id', 'text').execute();
    await db.schema.alterTable('statements').addColumn('source_report_id', 'text').execute();
    // Analyses of one issue in the order they were made (timestamps can tie).
    await db.schema
      .alterTable('analyses')
      .addColumn('seq', 'integer', (c) => c.notNull().defaultTo(0))
      .execute();
    await db.schema.createIndex('analyses_issue_seq').on('analyses').columns(['issue_id', 'seq']).execute();

    await db.schema
      .createTable('issue_blocks')
      .addColumn('org_id', 'text', (c) => c.notNull().references('organisations.id').onDelete('cascade'))
      .addColumn('blocker_id', 'text', (c) => c.notNull().references('issues.id').onDelete('cascade'))
      .addColumn('blocked_id', 'text', (c) => c.notNull().references('issues.id').onDelete('cascade'))
      .addColumn('created_by', 'text', (c) => c.references('members.id').onDelete('set null'))
      .addColumn('created_at', t.timestamp, (c) => c.notNull())
      .addPrimaryKeyConstraint('issue_blocks_pk', ['blocker_id', 'blocked_id'])
      .execute();

    await db.schema
      .createTable('issue_importance')
      .addColumn('org_id', 'text', (c) => c.notNull().references('organisations.id').onDelete('cascade'))
      .addColumn('issue_id', 'text', (c) => c.notNull().references('issues.id').onDelete('cascade'))
      .addColumn('member_id', 'text', (c) => c.notNull().references('members.id').onDelete('cascade'))
      .addColumn('marked_at', t.timestamp, (c) => c.notNull())
      .addPrimaryKeyConstraint('issue_importance_pk', ['issue_id', 'member_id'])
      .execute();

    await db.schema.createIndex('claims_version').on('claims').columns(['line_version_id', 'position']).execute();
    await db.schema.createIndex('citations_claim').on('citations').column('claim_id').execute();
    await db.schema.createIndex('reports_issue').on('reports').columns(['issue_id', 'created_at']).execute();
    await db.schema.createIndex('endorsements_version').on('endorsements').column('line_version_id').execute();
  },
};
