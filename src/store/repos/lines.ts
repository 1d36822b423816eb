import type { Db } from '../db-type.js';
import { newId } from '../ids.js';
import type { CitationTable, ClaimTable, LineVersionTable } from '../schema/index.js';

export type LineVersionRow = LineVersionTable;
export type ClaimRow = ClaimTable;
export type CitationRow = CitationTable;

export interface NewClaim {
  text: string;
  cites: { kind: CitationRow['kind']; ref: string; note?: string | null }[];
}

export interface VersionWithClaims extends LineVersionRow {
  claims: (ClaimRow & { citations: CitationRow[] })[];
}

/** A new draft version of an issue's line, numbered after the newest. */
export async function createDraft(
  db: Db,
  input: { orgId: string; issueId: string; cycleId: string; analysisId: string | null; createdBy: string | null; at: string; claims: NewClaim[] },
): Promise<LineVersionRow> {
  const newest = await db
    .selectFrom('line_versions')
    .select((e) => e.fn.max('number').as('n'))
    .where('issue_id', '=', input.issueId)
    .executeTakeFirst();
  const version: LineVersionRow = {
    id: newId(),
    org_id: input.orgId,
    issue_id: input.issueId,
    cycle_id: input.cycleId,
    number: Number(newest?.n ?? 0) + 1,
    status: 'draft',
    analysis_id: input.analysisId,
    created_by: input.createdBy,
    created_at: input.at,
    published_at: null,
    published_by: null,
  };
  await db.insertInto('line_versions').values(version).execute();
  await insertClaims(db, input.orgId, version.id, input.claims);
  return version;
}

async function insertClaims(db: Db, orgId: string, versionId: string, claims: NewClaim[]): Promise<void> {
  for (const [position, c] of claims.entries()) {
    const claim: ClaimRow = { id: newId(), org_id: orgId, line_version_id: versionId, position, text: c.text };
    await db.insertInto('claims').values(claim).execute();
    if (c.cites.length === 0) continue;
    await db
      .insertInto('citations')
      .values(
        c.cites.map((x) => ({
          id: newId(),
          org_id: orgId,
          claim_id: claim.id,
          kind: x.kind,
          statement_id: x.kind === 'statement' ? x.ref : null,
          analysis_id: x.kind === 'analysis' ? x.ref : null,
          report_id: x.kind === 'report' ? x.ref : null,
          note: x.note ?? null,
        })),
      )
      .execute();
  }
}

/** Replace a draft's claims. */
export async function replaceDraftClaims(db: Db, orgId: string, versionId: string, claims: NewClaim[]): Promise<void> {
  await db.deleteFrom('claims').where('org_id', '=', orgId).where('line_version_id', '=', versionId).execute();
  await insertClaims(db, orgId, versionId, claims);
}

export async function getVersion(db: Db, orgId: string, versionId: string): Promise<VersionWithClaims | undefined> {
  const v = await db.selectFrom('line_versions').selectAll().where('org_id', '=', orgId).where('id', '=', versionId).executeTakeFirst();
  if (!v) return undefined;
  return (await withClaims(db, orgId, [v]))[0];
}

/** Every version of an issue's line, oldest first, with claims and citations. */
export async function listVersions(db: Db, orgId: string, issueId: string): Promise<VersionWithClaims[]> {
  const rows = await db.selectFrom('line_versions').selectAll().where('org_id', '=', orgId).where('issue_id', '=', issueId).orderBy('number').execute();
  return withClaims(db, orgId, rows);
}

/** Every published version of the organisation, oldest first, with claims and citations. */
export async function listPublishedVersions(db: Db, orgId: string): Promise<VersionWithClaims[]> {
  const rows = await db
    .selectFrom('line_versions')
    .selectAll()
    .where('org_id', '=', orgId)
    .where('status', '=', 'published')
    .orderBy('published_at')
    .orderBy('number')
    .execute();
  return withClaims(db, orgId, rows);
}

async function withClaims(db: Db, orgId: string, versions: LineVersionRow[]): Promise<VersionWithClaims[]> {
  if (versions.length === 0) return [];
  const ids = versions.map((v) => v.id);
  const claims = await db.selectFrom('claims').selectAll().where('org_id', '=', orgId).where('line_version_id', 'in', ids).orderBy('position').execute();
  const citations = claims.length
    ? await db
        .selectFrom('citations')
        .selectAll()
        .where('org_id', '=', orgId)
        .where(
          'claim_id',
          'in',
          claims.map((c) => c.id),
        )
        .orderBy('id')
        .execute()
    : [];
  const citesOf = new Map<string, CitationRow[]>();
  for (const c of citations) citesOf.set(c.claim_id, [...(citesOf.get(c.claim_id) ?? []), c]);
  return versions.map((v) => ({
    ...v,
    claims: claims.filter((c) => c.line_version_id === v.id).map((c) => ({ ...c, citations: citesOf.get(c.id) ?? [] })),
  }));
}

/** Publish a draft; only a draft can be published, once. */
export async function publishVersion(db: Db, orgId: string, versionId: string, by: string, at: string): Promise<boolean> {
  const r = await db
    .updateTable('line_versions')
    .set({ status: 'published', published_at: at, published_by: by })
    .where('org_id', '=', orgId)
    .where('id', '=', versionId)
    .where('status', '=', 'draft')
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

/** The issue's newest published version, if any. */
export async function currentVersion(db: Db, orgId: string, issueId: string): Promise<VersionWithClaims | undefined> {
  const v = await db
    .selectFrom('line_versions')
    .selectAll()
    .where('org_id', '=', orgId)
    .where('issue_id', '=', issueId)
    .where('status', '=', 'published')
    .orderBy('number', 'desc')
    .limit(1)
    .executeTakeFirst();
  return v ? (await withClaims(db, orgId, [v]))[0] : undefined;
}

export async function getClaim(db: Db, orgId: string, claimId: string) {
  return db
    .selectFrom('claims')
    .innerJoin('line_versions', 'line_versions.id', 'claims.line_version_id')
    .select(['claims.id', 'claims.text', 'claims.line_version_id', 'line_versions.issue_id', 'line_versions.status'])
    .where('claims.org_id', '=', orgId)
    .where('claims.id', '=', claimId)
    .executeTakeFirst();
}
