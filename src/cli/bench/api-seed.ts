/**
 * The organisation the API bench votes in: members, each with a live session whose token the
 * load generator sends as its cookie, and one open issue with accepted statements. Written
 * through the store's repositories, in one transaction, before the server starts.
 */
import { inTransaction, issues, members, newToken, openStore, organisations, sessions, statements, tokenHash } from '../../store/index.js';

export interface BenchOrganisation {
  orgId: string;
  issueId: string;
  statementIds: string[];
  memberIds: string[];
  /** Session token of each member, in member order. */
  sessionTokens: string[];
}

export async function seedBenchOrganisation(
  target: { dataDir: string; databaseUrl: string | undefined },
  size: { members: number; statements: number },
): Promise<BenchOrganisation> {
  const store = openStore({ dataDir: target.dataDir, databaseUrl: target.databaseUrl });
  try {
    await store.migrate();
    const now = new Date();
    const at = now.toISOString();
    const expires = new Date(now.getTime() + 86_400_000).toISOString();
    return await inTransaction(store.db, async (trx) => {
      const org = await organisations.createOrganisation(trx, {
        slug: `bench-${newToken()
          .slice(0, 8)
          .toLowerCase()
          .replace(/[^a-z0-9]/g, 'x')}`,
        name: 'Bench union',
        moderation: 'strict',
        at,
      });
      const rows = Array.from({ length: size.members }, (_, i) =>
        members.memberRow({ orgId: org.id, displayName: `Member ${i + 1}`, role: i === 0 ? 'admin' : 'member', at }),
      );
      await members.insertMembers(trx, rows);
      const sessionTokens: string[] = [];
      for (const m of rows) {
        const token = newToken();
        sessionTokens.push(token);
        await sessions.createSession(trx, {
          id: tokenHash(token),
          org_id: org.id,
          member_id: m.id,
          created_at: at,
          expires_at: expires,
          role: m.role,
          seen_at: at,
        });
      }
      const { issue, cycle } = await issues.createIssue(trx, {
        orgId: org.id,
        title: 'Repairs',
        description: 'What should the union fight for first?',
        createdBy: rows[0]!.id,
        at,
      });
      const statementRows = Array.from({ length: size.statements }, (_, i) =>
        statements.statementRow({
          orgId: org.id,
          issueId: issue.id,
          cycleId: cycle.id,
          authorId: rows[0]!.id,
          text: `Statement number ${i + 1}`,
          status: 'accepted',
          origin: 'organiser',
          at,
        }),
      );
      await statements.insertStatements(trx, statementRows);
      return { orgId: org.id, issueId: issue.id, statementIds: statementRows.map((s) => s.id), memberIds: rows.map((m) => m.id), sessionTokens };
    });
  } finally {
    await store.close();
  }
}
