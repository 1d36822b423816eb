/**
 * The glossary's entries (MODEL.md §3, §5), in the order a reader meets them: every figure of
 * the health page links to one. The words are in the catalogue under `glossary.entries.<entry>`.
 */
export const glossaryEntries = [
  'pureLogic',
  'l',
  'L0',
  'practice',
  'pi',
  'P0',
  'beta',
  'halfLife',
  'correct',
  'left-communist',
  'empiricist',
  'fool',
  'firstGathering',
  'forecast',
  'consensus',
  'embrace',
] as const;

export type GlossaryEntry = (typeof glossaryEntries)[number];

/** The element id of an entry, the target of the figures' links. */
export function glossaryAnchor(entry: GlossaryEntry): string {
  return `glossary-${entry}`;
}
