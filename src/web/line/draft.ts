/** The line editor's working copy: claims with the basis each cites, to and from the API's shapes. Pure. */
import type { DraftBody, LineVersion } from '../../contract/lines.js';
import type { z } from 'zod';

export type CiteKind = 'statement' | 'analysis' | 'report';
export interface Cite {
  kind: CiteKind;
  ref: string;
}
export interface DraftClaim {
  /** Stable within the editor (React key, element ids). */
  key: string;
  text: string;
  cites: Cite[];
}

type Version = z.output<typeof LineVersion>;

/**
 * Where the editor starts: the newest draft when it is newer than every published version (work
 * in progress), else the published line to revise, else one empty claim.
 */
export function startingDraft(versions: readonly Version[]): { draftId: string | null; claims: DraftClaim[] } {
  const newest = versions.reduce<Version | null>((best, v) => (!best || v.number > best.number ? v : best), null);
  if (!newest) return { draftId: null, claims: [emptyClaim(0)] };
  const claims = newest.claims.map((c, i) => ({ key: `c${i}`, text: c.text, cites: c.cites.map((x) => ({ kind: x.kind, ref: x.ref })) }));
  return { draftId: newest.status === 'draft' ? newest.id : null, claims: claims.length ? claims : [emptyClaim(0)] };
}

export function emptyClaim(n: number): DraftClaim {
  return { key: `c${n}`, text: '', cites: [] };
}

/** Cite or uncite one source in a claim. */
export function toggleCite(claim: DraftClaim, cite: Cite): DraftClaim {
  const has = claim.cites.some((c) => c.kind === cite.kind && c.ref === cite.ref);
  return { ...claim, cites: has ? claim.cites.filter((c) => !(c.kind === cite.kind && c.ref === cite.ref)) : [...claim.cites, cite] };
}

export function cites(claim: DraftClaim, cite: Cite): boolean {
  return claim.cites.some((c) => c.kind === cite.kind && c.ref === cite.ref);
}

/** MODEL.md §3 "grounding": claims that cite at least one basis, of all claims with text. */
export function grounding(claims: readonly DraftClaim[]): { grounded: number; claims: number } {
  const written = claims.filter((c) => c.text.trim().length > 0);
  return { grounded: written.filter((c) => c.cites.length > 0).length, claims: written.length };
}

/** The body the API takes: empty claims left out, texts trimmed. */
export function draftBody(claims: readonly DraftClaim[]): z.input<typeof DraftBody> {
  return {
    claims: claims.filter((c) => c.text.trim().length > 0).map((c) => ({ text: c.text.trim(), cites: c.cites.map((x) => ({ kind: x.kind, ref: x.ref })) })),
  };
}

/**
 * Statements an organiser may cite beyond the analysis's findings: accepted ones whose text
 * contains every word of `query` (any case), those already cited first, at most `limit`.
 */
export function findStatements<S extends { id: string; text: string; status: string }>(
  statements: readonly S[],
  query: string,
  cited: ReadonlySet<string>,
  limit = 8,
): S[] {
  const words = query.toLowerCase().split(/\s+/).filter(Boolean);
  const accepted = statements.filter((s) => s.status === 'accepted');
  const chosen = accepted.filter((s) => cited.has(s.id));
  if (words.length === 0) return chosen;
  const matches = accepted.filter((s) => !cited.has(s.id) && words.every((w) => s.text.toLowerCase().includes(w)));
  return [...chosen, ...matches.slice(0, limit)];
}
