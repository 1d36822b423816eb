/** The explicit migration registry: numbered, frozen once released, never globbed. */
import type { StoreMigration } from './types.js';
import { migration0001 } from './0001-model.js';
import { migration0002 } from './0002-practice.js';
import { migration0003 } from './0003-criticism.js';
import { migration0004 } from './0004-session-role.js';
import { migration0005 } from './0005-statement-merge.js';
import { migration0006 } from './0006-action-participants.js';
import { migration0007 } from './0007-vote-keys.js';
import { migration0008 } from './0008-row-security.js';
import { migration0009 } from './0009-analysis-basis.js';
import { migration0010 } from './0010-carried-votes.js';
import { migration0011 } from './0011-vote-log-key.js';
import { migration0012 } from './0012-analysis-list.js';
import { migration0013 } from './0013-criticism-unlinked.js';

export const migrations: Record<string, StoreMigration> = {
  '0001-model': migration0001,
  '0002-practice': migration0002,
  '0003-criticism': migration0003,
  '0004-session-role': migration0004,
  '0005-statement-merge': migration0005,
  '0006-action-participants': migration0006,
  '0007-vote-keys': migration0007,
  '0008-row-security': migration0008,
  '0009-analysis-basis': migration0009,
  '0010-carried-votes': migration0010,
  '0011-vote-log-key': migration0011,
  '0012-analysis-list': migration0012,
  '0013-criticism-unlinked': migration0013,
};
export type { ColumnTypes, StoreMigration } from './types.js';
