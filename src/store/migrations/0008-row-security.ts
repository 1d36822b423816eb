import { sql } from 'kysely';
import type { StoreMigration } from './types.js';

/** Every table with an org_id column at this migration (0001–0007), in the order they were made. */
const ORGANISATION_TABLES = [
  'members',
  'invites',
  'sessions',
  'issues',
  'cycles',
  'statements',
  'votes',
  'vote_log',
  'analyses',
  'line_versions',
  'claims',
  'actions',
  'reports',
  'citations',
  'endorsements',
  'criticisms',
  'events',
  'issue_blocks',
  'issue_importance',
  'criticism_keys',
  'criticism_issuance',
  'criticism_spent_tokens',
  'criticism_seconds',
  'criticism_answers',
  'action_participants',
  'vote_keys',
] as const;

/**
 * PostgreSQL row-level security, the second line of organisation scoping (the repositories'
 * `where org_id = …` is the first). Each organisation's table, and `organisations` by its id,
 * shows and takes only the rows of the organisation in the session setting `massline.org_id`
 * (set by the store's connections from the work's scope, store/scope.ts); while the setting is
 * unset or empty (work for no one organisation: migrations, jobs, the command line, the vote
 * writer's batches, backups) every row. FORCE makes the policies apply to the tables' owner,
 * the role the application connects as; a superuser or a BYPASSRLS role still bypasses them.
 * The setting is read once per statement (an init plan), never per row. SQLite has no row-level
 * security: there this migration does nothing.
 */
export const migration0008: StoreMigration = {
  async up(db, t) {
    if (t.dialect !== 'postgres') return;
    const tables: [string, string][] = [['organisations', 'id'], ...ORGANISATION_TABLES.map((name): [string, string] => [name, 'org_id'])];
    for (const [table, column] of tables) {
      await sql`alter table ${sql.table(table)} enable row level security`.execute(db);
      await sql`alter table ${sql.table(table)} force row level security`.execute(db);
      await sql`
        create policy organisation_scope on ${sql.table(table)} for all
        using (
          ${sql.ref(column)} = (select current_setting('massline.org_id', true))
          or (select coalesce(current_setting('massline.org_id', true), '')) = ''
        )`.execute(db);
    }
  },
};
