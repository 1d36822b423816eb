/** `massline simulate` pins the model of MODEL.md §3 on the example timelines of docs/simulate.md. */
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
const manufactured = path.join(repoRoot, 'docs/examples/manufactured-practice.json');
const decayed = (days: number) => 12 * 2 ** (-days / 180);
const massline = (...args: string[]) => execFileSync(process.execPath, [path.join(repoRoot, 'bin/massline'), ...args], { encoding: 'utf8', stdio: 'pipe' });

/** The rows of the table under the manufactured-practice example of docs/simulate.md: asked date, issue (or the organisation) and its figures. */
function manufacturedTable() {
  const doc = fs.readFileSync(path.join(repoRoot, 'docs/simulate.md'), 'utf8');
  const section = doc.slice(doc.indexOf('## Example: manufactured practice'));
  const rows = section
    .split('\n')
    .filter((line) => /^\| \d{4}-\d{2}-\d{2} \|/.test(line))
    .map((line) =>
      line
        .split('|')
        .slice(1, -1)
        .map((cell) => cell.trim()),
    );
  return rows.map(([at, issue, L, P, l, pi, character]) => ({
    at: at!,
    issue: issue!,
    L: Number(L),
    P: Number(P),
    l: Number(l),
    pi: Number(pi),
    character: character!,
  }));
}

type Figures = { L: number; P: number; l: number; pi: number; character: string };
const figuresOf = (f: Figures) => ({ L: f.L, P: f.P, l: f.l, pi: f.pi, character: f.character });

/** Where a command fails: its exit code and what it said. */
function failure(args: string[]) {
  try {
    massline(...args);
  } catch (e) {
    const err = e as { status: number; stderr: string };
    return { status: err.status, stderr: err.stderr };
  }
  throw new Error(`massline ${args.join(' ')} succeeded`);
}

function writeTimeline(timeline: unknown) {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'massline-timeline-')), 'timeline.json');
  fs.writeFileSync(file, JSON.stringify(timeline));
  return file;
}

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
    const res = await simulate(
      { ...timeline, ask: [Date.parse(`${forecast.date}T00:00:00Z`) - 86_400_000, Date.parse(`${forecast.date}T23:59:59Z`)] },
      { passwords: plainHasher },
    );
    expect(res.snapshots.map((s) => s.issues.rent!.character)).toEqual(['correct', 'left-communist']);
    const change = res.changes.find((c) => c.type === 'character-changed' && c.description.includes('left-communist'));
    expect(change?.at.slice(0, 10)).toBe(forecast.date);
  });

  it('prints the figures of the manufactured-practice table', () => {
    const out = JSON.parse(massline('simulate', manufactured)) as { snapshots: { at: string; organisation: Figures; issues: Record<string, Figures> }[] };
    const table = manufacturedTable();
    // Every asked date, the organisation and both issues.
    expect(table).toHaveLength(out.snapshots.length * 3);
    for (const row of table) {
      const snapshot = out.snapshots.find((s) => s.at.slice(0, 10) === row.at);
      expect(snapshot, row.at).toBeDefined();
      const printed = row.issue === 'organisation' ? snapshot!.organisation : snapshot!.issues[row.issue];
      expect(printed, `${row.at} ${row.issue}`).toBeDefined();
      expect({ at: row.at, issue: row.issue, L: printed!.L, character: printed!.character }).toEqual({
        at: row.at,
        issue: row.issue,
        L: row.L,
        character: row.character,
      });
      expect(printed!.P, `${row.at} ${row.issue} P`).toBeCloseTo(row.P, 3);
      expect(printed!.l, `${row.at} ${row.issue} ℓ`).toBeCloseTo(row.l, 3);
      expect(printed!.pi, `${row.at} ${row.issue} π`).toBeCloseTo(row.pi, 3);
      // P₀ = max(10, 10 % of the 100 members of role member): the leadership is not in it.
      if (row.pi > 0) expect(printed!.P / printed!.pi, `${row.at} ${row.issue} P₀`).toBeCloseTo(10, 3);
    }
    // The table's worked figures (docs/simulate.md): rent on 1 March, heating on 31 January.
    const d = (days: number) => 2 ** (-days / 180);
    const rent = (at: string) => table.find((r) => r.at === at && r.issue === 'rent')!.P;
    expect(rent('2026-03-01')).toBeCloseTo(6 * d(23) + 2 * d(26) + (4 + 3 / 7 + (3 * 2) / 7) * d(50) + 3 * d(9), 3);
    expect(rent('2026-04-01')).toBeCloseTo(6 * d(54) + 2 * d(57) + (4 + 3 / 7 + (3 * 2) / 7) * d(81) + 3 * d(40), 3);
    expect(table.find((r) => r.at === '2026-01-31' && r.issue === 'heating')!.P).toBeCloseTo((6 / 7 + (3 * 3) / 7) * d(13), 3);
  });

  it('the leadership’s own activity leaves every figure where the masses’ practice put it', { timeout: 60_000 }, async () => {
    const timeline = Timeline.parse(JSON.parse(fs.readFileSync(manufactured, 'utf8')));
    const leadership = new Set(timeline.members.filter((m) => m.role !== 'member').map((m) => m.id));
    // The same timeline without the leadership: its members, everything they did, and the merges.
    // (Were a member's vote on a leadership seed left behind, the replay would fail on the missing statement.)
    const masses: Timeline = {
      ...timeline,
      members: timeline.members.filter((m) => !leadership.has(m.id)),
      events: timeline.events.filter((e) => e.type !== 'merge' && !('member' in e && leadership.has(e.member))),
    };
    const leadershipEvents = timeline.events.length - masses.events.length;
    // The example does all the leadership can: votes, seed statements, answers, reports, taking part, merges.
    const kinds = new Set(timeline.events.filter((e) => !masses.events.includes(e)).map((e) => e.type));
    expect(kinds).toEqual(new Set(['vote', 'statement', 'endorse', 'report', 'join', 'merge']));
    expect(leadershipEvents).toBeGreaterThan(40);
    const full = await simulate(timeline, { passwords: plainHasher });
    const alone = await simulate(masses, { passwords: plainHasher });
    expect(full.snapshots).toHaveLength(timeline.ask.length);
    const figures = (r: typeof full) =>
      r.snapshots.map((s) => ({
        at: s.at,
        organisation: figuresOf(s.organisation),
        issues: Object.fromEntries(Object.entries(s.issues).map(([k, f]) => [k, figuresOf(f)])),
      }));
    expect(figures(full)).toEqual(figures(alone));
  });

  it('answers a timeline that names what is not in it with the field, and exit code 2', () => {
    const timeline = JSON.parse(fs.readFileSync(manufactured, 'utf8')) as { members: Record<string, unknown>[]; events: Record<string, unknown>[] };
    const cases: [string, (t: typeof timeline) => void, RegExp][] = [
      ['role', (t) => (t.members[0]!.role = 'chair'), /members\.0\.role: .*"member".*"organiser".*"admin"/],
      [
        'join',
        (t) => t.events.push({ at: '2026-03-02', type: 'join', member: 'm7', action: 'picket' }),
        /events\.\d+\.action: no action "picket" among the events/,
      ],
      ['join', (t) => t.events.push({ at: '2026-03-02', type: 'join', member: 'm700', action: 'ballot' }), /events\.\d+\.member: no member "m700" in members/],
      [
        'merge',
        (t) => t.events.push({ at: '2026-03-16', type: 'merge', issue: 'rent', from: 'h1', into: 's1' }),
        /events\.\d+\.from: statement "h1" is on issue "heating", not "rent"/,
      ],
      [
        'action',
        (t) => t.events.push({ at: '2026-03-02', type: 'action', issue: 'rent', id: 'ballot', title: 'A second ballot' }),
        /events\.\d+\.id: action "ballot" is declared twice/,
      ],
      ['action', (t) => t.events.push({ at: '2026-03-02', type: 'action', issue: 'rent', id: 'picket' }), /events\.\d+\.title: .*expected string/],
    ];
    for (const [k, [what, change, message]] of cases.entries()) {
      const t = structuredClone(timeline);
      change(t);
      const issues = Timeline.safeParse(t).error?.issues ?? [];
      expect(issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('\n'), what).toMatch(message);
      if (k > 1) continue;
      // As the command says it (the first two cases: starting the binary takes seconds).
      const file = writeTimeline(t);
      const failed = failure(['simulate', file]);
      expect(failed.status, what).toBe(2);
      expect(failed.stderr, what).toMatch(message);
      fs.rmSync(path.dirname(file), { recursive: true, force: true });
    }
    // What only the server can tell is named by the event: an action on an issue with no line yet.
    const early = structuredClone(timeline);
    early.events.push({ at: '2026-01-20', type: 'action', issue: 'heating', id: 'early', title: 'Too early' });
    const file = writeTimeline(early);
    const failed = failure(['simulate', file]);
    expect(failed.status).toBe(2);
    expect(failed.stderr).toMatch(/events\[\d+\] \(action at 2026-01-20T00:00:00\.000Z\): .*publish a line/);
    fs.rmSync(path.dirname(file), { recursive: true, force: true });
  });

  it('names the field of a malformed timeline', () => {
    const bad = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'massline-timeline-')), 'bad.json');
    fs.writeFileSync(bad, JSON.stringify({ members: [], events: [{ at: '2026-13-45', type: 'issue', issue: 'x', title: 'X' }] }));
    expect(() => execFileSync(process.execPath, [path.join(repoRoot, 'bin/massline'), 'simulate', bad], { encoding: 'utf8', stdio: 'pipe' })).toThrow(
      /events\.0\.at/,
    );
    fs.rmSync(path.dirname(bad), { recursive: true, force: true });
  });
});
