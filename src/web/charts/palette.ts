/** Colours of the charts: Okabe–Ito for groups (told apart with colour-blindness too), and the vote colours. */
export const groupColours = ['#0072B2', '#D55E00', '#009E73', '#CC79A7', '#E69F00', '#56B4E9', '#8C6D1F', '#444444'];
export const unclusteredColour = '#A8A8A8';
export const voteColours = { agree: '#1B7F5B', pass: '#C4C4C4', disagree: '#B8430E' } as const;

export function groupColour(index: number): string {
  return groupColours[index % groupColours.length] ?? '#444444';
}

/** The four characters of a line (MODEL.md §3). */
export const characterColours = { correct: '#1B6E50', 'left-communist': '#A63C0C', empiricist: '#1A56C4', fool: '#6B675E' } as const;
/** Pure logic and practice, the two aspects of a line. */
export const aspectColours = { logic: '#8F1D2C', practice: '#0072B2' } as const;
