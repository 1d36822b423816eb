/**
 * The vote writer's thread (vote-writer.ts): its own connection to the SQLite file, with the
 * store's settings (WAL, synchronous=FULL, foreign keys, busy timeout; its own, rarer, checkpoints), writing one batch at a
 * time (dialect/sqlite-vote-batch.ts) and answering each vote's outcome. It loads no query
 * builder, so it starts quickly.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { openSqliteDatabase, VOTE_WRITER_CHECKPOINT_PAGES } from './dialect/sqlite-connection.js';
import { sqliteVoteBatch } from './dialect/sqlite-vote-batch.js';
import { outcomeToThread, type VoteWriterMessages } from './vote-writer-messages.js';
import { handle } from './worker-protocol.js';

if (!parentPort) throw new Error('vote-writer-worker: run as a worker thread');
const database = openSqliteDatabase((workerData as { file: string }).file, { checkpointPages: VOTE_WRITER_CHECKPOINT_PAGES });
const writeBatch = sqliteVoteBatch(database);

handle<VoteWriterMessages>(parentPort, { write: (votes) => writeBatch(votes).map(outcomeToThread) }, () => database.close());
