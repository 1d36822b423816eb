/**
 * Concentrating free text (docs/text.md): the statements closest to what a member is typing,
 * merging a duplicate into another statement, and an issue's statements and reports grouped into
 * named themes.
 */
import { z } from 'zod';
import { Id, Timestamp, text } from './common.js';
import { Statement, VoteCounts } from './issues.js';

/** What the member has typed so far: as long as a statement may be. */
export const SimilarQuery = z.object({ text: text(1, 400) });

export const SimilarStatement = z.object({
  /** The statement as the issue lists it, with its vote counts and the reader's own vote. */
  statement: Statement,
  /** Similarity to the text typed, in (0, 1]: 1 for the same words. */
  score: z.number(),
});
export const SimilarStatements = z.object({
  /** The closest statements the reader may see and vote on, best first (at most 5; fewer when fewer share anything with the text). */
  matches: z.array(SimilarStatement),
});

export const MergeBody = z.object({ into: Id }).strict();
export const MergeResult = z.object({
  /** The duplicate, now merged. */
  statementId: Id,
  /** The statement it was merged into, with the votes it now carries. */
  into: Statement,
  /** Members whose vote on the duplicate was carried to it. */
  carried: z.number().int(),
  /** Members who had voted on both: their own vote on it stands. */
  kept: z.number().int(),
});

/** One opinion group's current votes on a theme's statements, summed (from the issue's latest analysis). */
export const ThemeGroupVotes = z.object({
  groupId: z.string(),
  /** Members in the group. */
  members: z.number().int(),
  ...VoteCounts.shape,
  /** Share of the group's votes on the theme's statements that agree (passes count as votes); null without votes. */
  agreeShare: z.number().nullable(),
});

export const ThemeItem = z.object({ id: Id, text: z.string() });

/** A claim of the current line version citing a statement or a report of the theme. */
export const ThemeClaim = z.object({
  id: Id,
  text: z.string(),
  lineVersionId: Id,
  versionNumber: z.number().int(),
  /** The theme's statements and reports it cites. */
  cites: z.array(z.object({ kind: z.enum(['statement', 'report']), ref: Id })),
});

export const Theme = z.object({
  /** "theme-1", "theme-2"…, larger themes first: stable while the statements and reports do not change. */
  id: z.string(),
  /** Its most distinctive words, the first three joined. */
  label: z.string(),
  terms: z.array(z.string()),
  /** Closest to the theme's centre first. */
  statements: z.array(ThemeItem),
  reports: z.array(ThemeItem),
  /** Per opinion group of the latest analysis, in its order; empty without an analysis. */
  groups: z.array(ThemeGroupVotes),
  claims: z.array(ThemeClaim),
});

export const Themes = z.object({
  /** The analysis the groups' votes come from; null when the issue has none yet. */
  analysis: z.object({ id: Id, createdAt: Timestamp }).nullable(),
  themes: z.array(Theme),
  /** Statements and reports in no theme (too few alike, or sharing no word). */
  unthemed: z.object({ statements: z.array(ThemeItem), reports: z.array(ThemeItem) }),
  /** When the themes were computed: they are recomputed when an analysis, a statement or a report is added. */
  computedAt: Timestamp,
  /** The organisation's own model for theme summaries (POST …/themes/{themeId}/summary); null when none is configured. */
  summaryModel: z.string().nullable(),
});

export const ThemeParams = z.object({ orgId: Id, issueId: Id, themeId: z.string().regex(/^theme-\d{1,4}$/, 'must be a theme id such as theme-1') });

/** A theme summed up by the organisation's own model endpoint (when one is configured): every sentence cites what it rests on. */
export const ThemeSummary = z.object({
  themeId: z.string(),
  label: z.string(),
  model: z.string(),
  sentences: z.array(z.object({ text: z.string(), cites: z.array(z.object({ kind: z.enum(['statement', 'report']), ref: Id })).min(1) })),
  /** Sentences of the model's answer dropped because they cited nothing of the theme. */
  dropped: z.number().int(),
});
