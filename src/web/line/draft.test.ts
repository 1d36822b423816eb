import { describe, expect, it } from 'vitest';
import { draftBody, findStatements, grounding, startingDraft, toggleCite, type DraftClaim } from './draft.js';

const version = (over: Partial<Parameters<typeof startingDraft>[0][number]>) => ({
  id: 'v1',
  number: 1,
  status: 'published' as const,
  cycleNumber: 1,
  analysisId: null,
  createdAt: '2026-01-01T00:00:00Z',
  publishedAt: null,
  claims: [{ id: 'c1', position: 0, text: 'Fares public', cites: [{ kind: 'statement' as const, ref: 's1', note: null, text: 'x' }], refuted: false }],
  diff: null,
  marks: { revisionWithoutPractice: false, driftedFromMasses: false },
  ...over,
});

describe('startingDraft', () => {
  it('starts from one empty claim when there is no line', () => {
    expect(startingDraft([])).toEqual({ draftId: null, claims: [{ key: 'c0', text: '', cites: [] }] });
  });
  it('revises the published line when it is the newest version', () => {
    const s = startingDraft([version({})]);
    expect(s.draftId).toBeNull();
    expect(s.claims).toEqual([{ key: 'c0', text: 'Fares public', cites: [{ kind: 'statement', ref: 's1' }] }]);
  });
  it('continues a draft newer than the published line', () => {
    const s = startingDraft([version({}), version({ id: 'v2', number: 2, status: 'draft', claims: [] })]);
    expect(s.draftId).toBe('v2');
    expect(s.claims).toHaveLength(1);
  });
});

describe('claims and their basis', () => {
  const claim: DraftClaim = { key: 'c0', text: ' Safety first ', cites: [] };
  it('toggles a cite on and off', () => {
    const on = toggleCite(claim, { kind: 'statement', ref: 's3' });
    expect(on.cites).toEqual([{ kind: 'statement', ref: 's3' }]);
    expect(toggleCite(on, { kind: 'statement', ref: 's3' }).cites).toEqual([]);
  });
  it('counts grounded claims among the written ones', () => {
    const claims = [toggleCite(claim, { kind: 'analysis', ref: 'a1' }), { key: 'c1', text: 'Ungrounded', cites: [] }, { key: 'c2', text: '  ', cites: [] }];
    expect(grounding(claims)).toEqual({ grounded: 1, claims: 2 });
  });
  it('sends trimmed, non-empty claims', () => {
    expect(draftBody([claim, { key: 'c1', text: '', cites: [] }])).toEqual({ claims: [{ text: 'Safety first', cites: [] }] });
  });
});

describe('findStatements', () => {
  const statements = [
    { id: 's1', text: 'Drivers need the same insurance', status: 'accepted' },
    { id: 's2', text: 'Insurance for passengers', status: 'accepted' },
    { id: 's3', text: 'Insurance spam', status: 'rejected' },
    { id: 's4', text: 'Fares should be public', status: 'accepted' },
  ];
  it('finds accepted statements containing every word, in any case', () => {
    expect(findStatements(statements, 'INSURANCE', new Set()).map((s) => s.id)).toEqual(['s1', 's2']);
    expect(findStatements(statements, 'insurance drivers', new Set()).map((s) => s.id)).toEqual(['s1']);
  });
  it('keeps the cited ones first, and shows only them without a query', () => {
    expect(findStatements(statements, '', new Set(['s4'])).map((s) => s.id)).toEqual(['s4']);
    expect(findStatements(statements, 'insurance', new Set(['s2'])).map((s) => s.id)).toEqual(['s2', 's1']);
  });
  it('stops at the limit', () => {
    expect(findStatements(statements, 'insurance', new Set(), 1).map((s) => s.id)).toEqual(['s1']);
  });
});
