/**
 * The demo's story beside the imported conversation: a few months of an organisation running
 * the mass line, as a timeline ending now, replayed through the API (src/cli/simulate.ts). One
 * issue went through two cycles, its line put into practice in two actions members took part in,
 * and was then left while time passed; one was consulted but never concentrated; members marked
 * which issues matter to them and an organiser which must be resolved first. Two organisers are
 * active on the first issue themselves (votes, a seed statement, a report): the leadership's own
 * activity, which the pages show apart and never as the masses' practice.
 */
import type { Timeline } from '../contract/index.js';

const DAY = 86_400_000;

/** A small deterministic generator, so every demo tells the same story. */
function seeded(seed: number) {
  let x = seed >>> 0;
  return () => {
    x = (x + 0x6d2b79f5) >>> 0;
    let t = x;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const constituencies = ['driver', 'driver', 'driver', 'dispatcher', 'mechanic', 'passenger'] as const;

export function demoStory(now: number): Timeline {
  const random = seeded(7);
  const at = (daysAgo: number, hour = 0) => now - daysAgo * DAY + hour * 3_600_000;
  const members = Array.from({ length: 250 }, (_, i) => ({
    id: `m${i}`,
    name: `Member ${i + 1}`,
    joined: at(160 - (i % 5)),
    constituency: constituencies[i % constituencies.length]!,
    role: 'member' as const,
  }));
  // The leadership: organisers who also vote, write and report, but are not the masses.
  const leadership = [
    { id: 'o1', name: 'Rosa Ferreira', joined: at(160), constituency: 'driver', role: 'organiser' as const },
    { id: 'o2', name: 'Tomás Lindqvist', joined: at(158), constituency: 'dispatcher', role: 'organiser' as const },
  ];
  // Two camps on pay: drivers and mechanics against dispatchers and passengers, with some mixing.
  const camp = (i: number) => (['driver', 'mechanic'].includes(members[i]!.constituency) ? 0 : 1);
  const events: Timeline['events'] = [];
  const statement = (daysAgo: number, issue: string, id: string, by: number, text: string) =>
    events.push({ at: at(daysAgo, by % 12), type: 'statement', issue, id, member: `m${by}`, text });
  const votes = (daysAgo: number, ids: string[], who: number[], lean: (i: number, j: number) => number) => {
    for (const i of who)
      ids.forEach((id, j) => {
        const r = random();
        const value = r < 0.12 ? 0 : r < 0.12 + 0.12 ? -lean(i, j) : lean(i, j);
        events.push({ at: at(daysAgo - (i % 4), (i + j) % 20), type: 'vote', member: `m${i}`, statement: id, value: value as 1 | -1 | 0 });
      });
  };
  const all = members.map((_, i) => i);
  const petitioners = all.filter((i) => i % 3 === 0 && i < 150);
  const auditors = all.filter((i) => camp(i) === 0 && i % 7 === 1);

  // Night-shift pay: two full cycles.
  events.push({
    at: at(150),
    type: 'issue',
    issue: 'pay',
    title: 'Night-shift pay',
    description: 'What do we demand for night shifts in the next round of talks?',
  });
  const pay = [
    'Night shifts must pay at least 25 % more than day shifts',
    'No driver should work more than three night shifts in a row',
    'The night premium must be paid on every hour, not only after midnight',
    'Dispatchers on nights deserve the same premium as drivers',
    'A strike is the only way to win the night premium',
    'Passengers should not pay higher night fares for our premium',
    'The company can afford the premium out of its profits',
    'Safe rest areas at every depot before any new night routes',
  ];
  pay.forEach((text, j) => statement(148 - j * 0.2, 'pay', `p${j}`, (j * 7) % 250, text));
  votes(
    144,
    pay.map((_, j) => `p${j}`),
    all,
    (i, j) => (j === 4 || j === 5 ? (camp(i) === 0 ? 1 : -1) : j === 3 ? (camp(i) === 0 ? -1 : 1) : 1),
  );
  events.push({
    at: at(135),
    type: 'line',
    issue: 'pay',
    claims: [
      { id: 'pay1', text: 'We demand a night premium of 25 % on every hour worked at night', cites: ['p0', 'p2'] },
      { id: 'pay2', text: 'The premium is affordable: it comes out of profits, not fares', cites: ['p6', 'p5'] },
      { id: 'pay3', text: 'No new night routes before every depot has a safe rest area', cites: ['p7'] },
    ],
  });
  for (const i of all.slice(0, 170))
    events.push({
      at: at(132 - (i % 5), i % 12),
      type: 'endorse',
      member: `m${i}`,
      issue: 'pay',
      response: i % 9 === 4 ? 'critique' : 'embrace',
      ...(i % 9 === 4 ? { text: 'The premium should cover dispatchers too' } : {}),
    });
  events.push({ at: at(120), type: 'advance', issue: 'pay' });
  const reports: [number, string, 'confirms' | 'refutes'][] = [
    [57, 'pay1', 'confirms'],
    [88, 'pay2', 'confirms'],
    [3, 'pay1', 'confirms'],
    [9, 'pay1', 'confirms'],
    [14, 'pay2', 'confirms'],
    [21, 'pay3', 'refutes'],
    [27, 'pay3', 'refutes'],
    [33, 'pay3', 'confirms'],
    [40, 'pay3', 'refutes'],
  ];
  reports.forEach(([i, claim, verdict], k) =>
    events.push({
      at: at(110 - k),
      type: 'report',
      member: `m${i}`,
      issue: 'pay',
      claim,
      verdict,
      text:
        claim === 'pay3'
          ? verdict === 'refutes'
            ? `Depot ${k}: the company opened a night route anyway; the rest area is still a container`
            : `Depot ${k}: the rest area was built before the new route`
          : `Depot ${k}: management accepted the premium in the first meeting`,
    }),
  );
  events.push({ at: at(100), type: 'advance', issue: 'pay' });
  const pay2 = [
    'Rest areas must be inspected by our own safety reps',
    'Night routes need two-person crews after 1 am',
    'The premium must rise with inflation every year',
  ];
  pay2.forEach((text, j) => statement(96 - j * 0.3, 'pay', `q${j}`, (j * 11 + 5) % 250, text));
  votes(
    92,
    pay2.map((_, j) => `q${j}`),
    all.filter((i) => i % 3 !== 2),
    (i, j) => (j === 1 ? (camp(i) === 0 ? 1 : -1) : 1),
  );
  events.push({
    at: at(60),
    type: 'line',
    issue: 'pay',
    claims: [
      { id: 'pay1b', text: 'We demand a night premium of 25 % on every hour worked at night', cites: ['p0', 'p2'] },
      { id: 'pay2b', text: 'The premium is affordable: it comes out of profits, not fares', cites: ['p6', 'p5'] },
      { id: 'pay3b', text: 'Our own safety reps inspect every rest area before a night route opens', cites: ['q0', 'p7'] },
      { id: 'pay4b', text: 'The premium rises with inflation every year', cites: ['q2'] },
    ],
  });
  for (const i of all.slice(0, 110))
    events.push({
      at: at(57 - (i % 4), i % 10),
      type: 'endorse',
      member: `m${i}`,
      issue: 'pay',
      response: i % 7 === 3 ? 'amend' : 'embrace',
      ...(i % 7 === 3 ? { text: 'Add two-person crews after 1 am' } : {}),
    });

  // Depot safety: consulted widely, never concentrated.
  events.push({
    at: at(30),
    type: 'issue',
    issue: 'safety',
    title: 'Depot safety',
    description: 'What is unsafe at the depots, and what should we demand first?',
  });
  const safety = [
    'The depot yard lighting is broken at night',
    'Buses leave the depot with faulty brakes',
    'Mechanics work alone on night shifts',
    'We need a safety rep at every depot',
    'Accidents are not reported to the union',
    'Drivers are pressed to skip the pre-departure check',
    'The first-aid kits on the buses are empty',
    'Safety training happens in unpaid time',
  ];
  safety.forEach((text, j) => statement(29 - j * 0.3, 'safety', `s${j}`, (j * 5 + 2) % 250, text));
  votes(
    24,
    safety.map((_, j) => `s${j}`),
    all,
    (i, j) => (j === 7 && camp(i) === 1 ? -1 : 1),
  );

  events.push({ at: at(20), type: 'block', issue: 'pay', blocks: 'safety' });
  for (const i of all.filter((i) => i % 2 === 0)) events.push({ at: at(18, i % 10), type: 'important', member: `m${i}`, issue: 'pay' });
  for (const i of all.filter((i) => i % 5 === 0)) events.push({ at: at(17, i % 10), type: 'important', member: `m${i}`, issue: 'safety' });
  // Criticism from below: written anonymously, published the next evening, seconded, answered in
  // public or left waiting. The leadership's time to answer is the organisation's bureaucracy figure.
  const criticise = (daysAgo: number, id: string, by: number, text: string, issue?: string) =>
    events.push({ at: at(daysAgo, 9 + (by % 8)), type: 'criticise', member: `m${by}`, id, text, ...(issue ? { issue } : {}) });
  const second = (daysAgo: number, id: string, who: number[]) =>
    who.forEach((i) => events.push({ at: at(daysAgo, 10 + (i % 9)), type: 'second', member: `m${i}`, criticism: id }));
  const answer = (daysAgo: number, id: string, text: string) => events.push({ at: at(daysAgo, 11), type: 'answer', criticism: id, text });
  criticise(141, 'c1', 12, 'The date of the first talks was fixed before the night shift was asked whether it suits them.', 'pay');
  second(139, 'c1', [3, 17, 44, 61, 90]);
  answer(137, 'c1', 'You are right. From now on the bargaining calendar goes to a night-shift meeting before it is fixed.');
  criticise(126, 'c2', 71, 'Organisers only ever visit the central depot. At the outer depots nobody has seen a union officer in months.');
  second(124, 'c2', [5, 22, 37, 58, 76, 101, 133, 170]);
  answer(115, 'c2', 'A rota of depot visits is now on the members page: every depot, every month, with the organiser named.');
  criticise(88, 'c3', 140, 'The second draft of the pay line was written before the reports from the depots had been read.', 'pay');
  second(86, 'c3', [40, 21, 27]);
  answer(84, 'c3', 'The reports were read, but we did not cite them. The published line now cites every report it rests on.');
  criticise(41, 'c4', 199, 'Minutes of the committee are not shared with members who could not attend the meeting.');
  second(39, 'c4', [8, 9, 10, 11, 12]);
  answer(38, 'c4', 'Minutes now go to every member within three days of a meeting.');
  criticise(23, 'c5', 163, 'Depot safety was consulted weeks ago and the leadership has still not drafted a line on it.', 'safety');
  second(21, 'c5', [2, 14, 29, 33, 47, 52, 66, 84, 97, 120, 150, 181]);
  criticise(9, 'c6', 230, 'Decisions on the strike fund are taken by three people and never explained to the members.');
  second(7, 'c6', [19, 65, 88]);
  // Written today: it waits for the next batch.
  events.push({
    at: now - 1_800_000,
    type: 'criticise',
    member: 'm111',
    id: 'c7',
    text: 'The new shift rota was announced in a message at midnight, with no chance to discuss it.',
  });

  // The second pay line goes into practice: two actions, members taking part, reports from them.
  events.push({ at: at(52), type: 'advance', issue: 'pay' });
  events.push({ at: at(50), type: 'action', issue: 'pay', id: 'petition', title: 'A night-premium petition signed at every depot', claim: 'pay1b' });
  events.push({ at: at(50, 2), type: 'action', issue: 'pay', id: 'rest-audit', title: 'Our own audit of the rest area at every depot', claim: 'pay3b' });
  for (const i of petitioners) events.push({ at: at(49 - (i % 4), i % 12), type: 'join', member: `m${i}`, action: 'petition' });
  for (const i of auditors) events.push({ at: at(48 - (i % 3), i % 12), type: 'join', member: `m${i}`, action: 'rest-audit' });
  const depots = ['north', 'east', 'harbour', 'airport', 'central'];
  [6, 30, 75, 120, 141].forEach((i, k) =>
    events.push({
      at: at(40 - k, 15),
      type: 'report',
      member: `m${i}`,
      issue: 'pay',
      action: 'petition',
      claim: 'pay1b',
      verdict: 'confirms',
      text: `At the ${depots[k]} depot most night drivers signed, and management agreed to discuss the premium`,
    }),
  );
  [4, 16, 28].forEach((i, k) =>
    events.push({
      at: at(38 - k, 16),
      type: 'report',
      member: `m${i}`,
      issue: 'pay',
      action: 'rest-audit',
      claim: 'pay3b',
      verdict: k === 1 ? 'refutes' : 'confirms',
      text:
        k === 1
          ? 'The rest area at the north depot failed our audit, and the night route opened anyway'
          : `The rest area at the ${depots[k + 1]} depot passed our audit before the route opened`,
    }),
  );

  // The leadership's own activity on pay: votes, a seed statement, a report. Shown apart, not practice.
  for (const [k, o] of leadership.entries()) {
    pay.forEach((_, j) => events.push({ at: at(143 - k, 9 + j), type: 'vote', member: o.id, statement: `p${j}`, value: j === 5 ? -1 : 1 }));
    pay2.forEach((_, j) => events.push({ at: at(91 - k, 9 + j), type: 'vote', member: o.id, statement: `q${j}`, value: 1 }));
  }
  events.push({ at: at(95, 3), type: 'statement', issue: 'pay', id: 'q3', member: 'o1', text: 'Night routes should be planned with the drivers who run them' });
  votes(
    90,
    ['q3'],
    all.filter((i) => i % 4 === 1),
    () => 1,
  );
  events.push({
    at: at(39, 17),
    type: 'report',
    member: 'o1',
    issue: 'pay',
    action: 'petition',
    claim: 'pay1b',
    verdict: 'confirms',
    text: 'I collected signatures at the central depot: every driver on the night shift signed',
  });
  return { settings: {}, members: [...members, ...leadership], events, ask: [] };
}
