/** `massline simulate` pins the model of MODEL.md §3 on the example timeline of docs/simulate.md. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { Timeline } from '../../src/contract/index.js';
import { simulate } from '../../src/cli/simulate.js';
import { plainHasher } from '../_util/app.js';
import { repoRoot } from '../_util/server-process.js';

const example = path.join(repoRoot, 'docs/examples/consulted-once.json');
const decayed = (days: number) => 12 * 2 ** (-days / 180);

describe('massline simulate', () => {
  it('prints the figures of docs/simulate.md for the example timeline', () => {
    const out = JSON.parse(execFileSync(process.execPath, [path.join(repoRoot, 'bin/massline'), 'simulate', example], { encoding: 'utf8' }));
    const [jan31, feb1, apr9, jun30] = out.snapshots;
    // 31 January: no line yet (ℓ = 0 counts as π/ℓ = ∞), twelve fully consulted members 21 days ago.
    expect(jan31.issues.rent).toMatchObject({ L: 0, l: 0, character: 'empiricist', grounding: null });
    expect(jan31.issues.rent.P).toBeCloseTo(decayed(21), 5);
    expect(jan31.issues.rent.pi).toBeCloseTo(decayed(21) / 10, 5);
    // 1 February: two claims, both grounded; P₀ = max(10, 10 % of 12) = 10.
    expect(feb1.issues.rent).toMatchObject({ L: 2, character: 'correct', grounding: 1 });
    expect(feb1.issues.rent.l).toBeCloseTo(2 / 3, 5);
    expect(feb1.issues.rent.P).toBeCloseTo(decayed(22), 5);
    // 9 April: four claims, one uncited; the forecast is pure decay: 180·log2(1.8) days after 10 January.
    expect(apr9.issues.rent).toMatchObject({ L: 4, character: 'correct', grounding: 0.75 });
    expect(apr9.issues.rent.P).toBeCloseTo(decayed(89), 5);
    const crossing = Date.UTC(2026, 0, 10) + 180 * Math.log2(1.8) * 86_400_000;
    expect(apr9.issues.rent.forecast).toEqual({ date: new Date(crossing).toISOString().slice(0, 10), into: 'left-communist', already: false });
    expect(jun30.issues.rent).toMatchObject({ character: 'left-communist', forecast: { already: true } });
    expect(jun30.organisation.character).toBe('left-communist');
    expect(out.changes.some((c: { type: string }) => c.type === 'character-changed')).toBe(true);
  });

  it('moves correct → left-communist at the instant the forecast named', async () => {
    const timeline = Timeline.parse(JSON.parse(fs.readFileSync(example, 'utf8')));
    const first = await simulate({ ...timeline, ask: [Date.parse('2026-04-09')] }, { passwords: plainHasher });
    const forecast = first.snapshots[0]!.issues.rent!.forecast;
    expect(forecast.into).toBe('left-communist');
    // The forecast's instant sits on an hourly grid: an hour before it the line is still correct.
    const res = await simulate({ ...timeline, ask: [Date.parse(`${forecast.date}T00:00:00Z`) - 86_400_000, Date.parse(`${forecast.date}T23:59:59Z`)] }, { passwords: plainHasher });
    expect(res.snapshots.map((s) => s.issues.rent!.character)).toEqual(['correct', 'left-communist']);
    const change = res.changes.find((c) => c.type === 'character-changed' && c.description.includes('left-communist'));
    expect(change?.at.slice(0, 10)).toBe(forecast.date);
  });

  it('names the field of a malformed timeline', () => {
    const bad = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'massline-timeline-')), 'bad.json');
    fs.writeFileSync(bad, JSON.stringify({ members: [], events: [{ at: '2026-13-45', type: 'issue', issue: 'x', title: 'X' }] }));
    expect(() => execFileSync(process.execPath, [path.join(repoRoot, 'bin/massline'), 'simulate', bad], { encoding: 'utf8', stdio: 'pipe' })).toThrow(/events\.0\.at/);
    fs.rmSync(path.dirname(bad), { recursive: true, force: true });
  });
});
