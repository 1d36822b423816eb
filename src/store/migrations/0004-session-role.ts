import type { StoreMigration } from './types.js';

/**
 * Sessions remember the role they were issued for, so a change of role is answered with a new
 * session id (src/server/auth/session.ts), and when they were last seen (recorded at most once
 * an hour), for the idle timeout. Sessions from before have neither: they are renewed on their
 * next request, and count as seen when they were created.
 */
export const migration0004: StoreMigration = {
  async up(db, t) {
    await db.schema.alterTable('sessions').addColumn('role', 'text').execute();
    await db.schema.alterTable('sessions').addColumn('seen_at', t.timestamp).execute();
    await db.schema.createIndex('sessions_member').on('sessions').columns(['org_id', 'member_id']).execute();
  },
};
