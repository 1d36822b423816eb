import type { StoreMigration } from './types.js';

/**
 * A vote carried over to the statement a duplicate was merged into is marked with the
 * duplicate's id. The engine reads it as the member's vote on that statement; the model does not
 * count it as an act (MODEL.md §3: merging a duplicate changes no one's acts or last_m). Votes
 * carried before this migration are not marked.
 */
export const migration0010: StoreMigration = {
  async up(db) {
    await db.schema.alterTable('vote_log').addColumn('carried_from', 'text').execute();
  },
};
