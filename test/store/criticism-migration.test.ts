/**
 * Migration 0013 on every dialect, reached by restoring an archive made before it (the archive
 * format is unchanged; restore migrates after): the signing keys it holds, private halves
 * included, come back and still sign; a spent token keeps its criticism only while that waits;
 * the chain's head is where the published criticism left it; the keys are published in the chain
 * when next used, and the private halves deleted at the first publication after their window.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { CHAIN_GENESIS, chainEntry, criticismContent } from '../../src/core/index.js';
import { requestTokens } from '../../src/contract/criticism-tokens.js';
import { blindSign, generateEpochKey } from '../../src/server/services/criticism-tokens.js';
import { criticism, members, openStore, organisations, restoreBackup, verifyArchive, writeBackup, type Store } from '../../src/store/index.js';
import { dialects, freshDatabase, type TestDatabase } from '../_util/stores.js';

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

describe.each(dialects)('criticism migration 0013 through an older archive on %s', (dialect) => {
  const databases: TestDatabase[] = [];
  const stores: Store[] = [];
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'massline-0013-'));
  async function store(): Promise<Store> {
    const d = await freshDatabase(dialect);
    databases.push(d);
    const s = openStore({ dataDir: d.dataDir, databaseUrl: d.databaseUrl, voteWriter: 'inline' });
    stores.push(s);
    return s;
  }
  afterAll(async () => {
    for (const s of stores) await s.close();
    for (const d of databases) await d.drop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('restores keys, private halves included, unlinks published criticism from its token, and carries the chain on', async () => {
    const at = '2026-11-25T09:00:00.000Z';
    const old = await store();
    expect(await old.migrate('0012-analysis-list')).toHaveLength(12);
    const org = await organisations.createOrganisation(old.db, { slug: 'o0013', name: 'O', at });
    const m = await members.createMember(old.db, { orgId: org.id, displayName: 'M', role: 'member', at });
    const key = await generateEpochKey();
    // As the version before 0013 wrote them: a key, a count, one criticism published and one waiting, each token naming its criticism.
    await sql`insert into criticism_keys (org_id, epoch, public_key, private_key, created_at) values (${org.id}, '2026-W48', ${key.publicKey}, ${key.privateKey}, ${at})`.execute(
      old.db,
    );
    await sql`insert into criticism_issuance (org_id, epoch, member_id, tokens) values (${org.id}, '2026-W48', ${m.id}, 2)`.execute(old.db);
    const published = { id: 'publishedCriticism1', targetKind: 'leadership', targetId: null, text: 'Published before the upgrade.', writtenOn: '2026-11-24' };
    const waiting = { id: 'waitingCriticism001', targetKind: 'leadership', targetId: null, text: 'Waiting at the upgrade.', writtenOn: '2026-11-25' };
    const contentOf = (c: typeof published) => sha256(criticismContent(c));
    const entry = sha256(chainEntry({ prevHash: CHAIN_GENESIS, contentHash: contentOf(published), position: 1, publishedAt: '2026-11-24T18:00:00.000Z' }));
    await sql`insert into criticisms (id, org_id, target_kind, target_id, text, written_on, content_hash, published_at, position, prev_hash, entry_hash)
      values (${published.id}, ${org.id}, 'leadership', null, ${published.text}, ${published.writtenOn}, ${contentOf(published)}, ${'2026-11-24T18:00:00.000Z'}, 1, ${CHAIN_GENESIS}, ${entry}),
             (${waiting.id}, ${org.id}, 'leadership', null, ${waiting.text}, ${waiting.writtenOn}, ${contentOf(waiting)}, null, null, null, null)`.execute(
      old.db,
    );
    await sql`insert into criticism_spent_tokens (token_hash, org_id, epoch, criticism_id) values ('aa', ${org.id}, '2026-W48', ${published.id}), ('bb', ${org.id}, '2026-W48', ${waiting.id})`.execute(
      old.db,
    );

    const file = path.join(dir, `before-0013-${dialect}.massline`);
    await writeBackup(old, file);
    const header = await verifyArchive(file);
    expect(header.migrations.at(-1)).toBe('0012-analysis-list');
    const fresh = await store();
    const restored = await restoreBackup(fresh, file, header);
    expect(restored.migratedAfter).toContain('0013-criticism-unlinked');
    const db = fresh.db;

    // The key came back whole, and still signs.
    const k = await criticism.findEpochKey(db, org.id, '2026-W48');
    expect(k).toMatchObject({ public_key: key.publicKey, private_key: key.privateKey, position: null });
    const asked = await requestTokens('2026-W48', key.publicKey, 1);
    const [token] = await asked.finish(blindSign({ publicKey: k!.public_key, privateKey: k!.private_key! }, asked.blinded));
    expect(token?.epoch).toBe('2026-W48');

    // The published criticism's token names nothing; the waiting one's still answers its retry.
    const spent = await db.selectFrom('criticism_spent_tokens').selectAll().orderBy('token_hash').execute();
    expect(spent).toEqual([
      { token_hash: 'aa', org_id: org.id, epoch: '2026-W48', pending_criticism_id: null },
      { token_hash: 'bb', org_id: org.id, epoch: '2026-W48', pending_criticism_id: waiting.id },
    ]);
    const retry = await criticism.submitCriticism(db, {
      orgId: org.id,
      epoch: '2026-W48',
      tokenHash: 'bb',
      targetKind: 'leadership',
      targetId: null,
      text: waiting.text,
      writtenOn: '2026-11-25',
    });
    expect(retry).toMatchObject({ id: waiting.id, created: false });
    await expect(
      criticism.submitCriticism(db, {
        orgId: org.id,
        epoch: '2026-W48',
        tokenHash: 'aa',
        targetKind: 'leadership',
        targetId: null,
        text: published.text,
        writtenOn: '2026-11-25',
      }),
    ).rejects.toThrow(/token: already spent/);

    // The chain goes on from the published criticism: the old key is appended when next used, then the next epoch's.
    expect(await criticism.chainHead(db, org.id)).toBe(entry);
    const keys = await criticism.epochKeys(db, org.id, ['2026-W48', '2026-W49'], generateEpochKey, at);
    expect(keys.map((x) => [x.epoch, x.position, x.prev_hash])).toEqual([
      ['2026-W48', 2, entry],
      ['2026-W49', 3, keys[0]!.entry_hash],
    ]);
    expect(keys[0]!.public_key).toBe(key.publicKey);

    // The first publication after the key's window (it closed on 7 December) deletes its private half.
    const due = { beforeDay: '2026-12-07', publishedAt: '2026-12-07T18:00:00.000Z' };
    expect(await criticism.publicationDue(db, org.id, due)).toBe(true);
    expect(await criticism.publishBatch(db, org.id, due)).toBe(1);
    expect((await criticism.findEpochKey(db, org.id, '2026-W48'))?.private_key).toBeNull();
    expect((await criticism.findEpochKey(db, org.id, '2026-W49'))?.private_key).toEqual(expect.any(String));
    expect(await criticism.publicationDue(db, org.id, due)).toBe(false);
    expect(
      (await db.selectFrom('criticism_spent_tokens').select('pending_criticism_id').where('token_hash', '=', 'bb').executeTakeFirstOrThrow())
        .pending_criticism_id,
    ).toBeNull();
  });
});
