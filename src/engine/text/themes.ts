/**
 * Themes: short texts (statements, reports) grouped by the words they share, each group named by
 * its most distinctive words.
 *
 * Method: each text is a TF-IDF vector of its terms (features.ts: stems in English; sublinear tf,
 * smooth idf, unit length; terms held by a single text are dropped, since they link nothing).
 * Average-linkage agglomerative clustering on cosine similarity, cut where the average similarity
 * between two groups falls below `minSimilarity`: a theme is a set of texts that are, on average,
 * that alike. Groups smaller than `minThemeSize` are no theme. (Choosing k for k-means by
 * silhouette was tried and rejected: on short sparse texts the silhouette keeps rising with k.)
 * A theme is named by class-based TF-IDF: a term's share of the theme's words times
 * ln(1 + A / its count over all texts), A the mean number of words per group, each term shown as
 * the word most often written for it.
 *
 * Deterministic: items are taken in id order, so the same set of items and options gives the same
 * themes whatever their order. Texts in no theme (too few alike, or without any shared term:
 * empty, punctuation, only stop words) are returned last under the id `unthemed`, with no terms
 * and an empty label.
 */
import type { RandomState } from '../random.js';
import { randomStateFromSeed, randomUnit } from '../random.js';
import { textFeatures, type TextFeatures } from './features.js';
import { guessLanguage, type TextLanguage } from './language.js';

export interface ThemeItem {
  readonly id: string;
  readonly text: string;
}

export interface Theme {
  /** "theme-1", "theme-2"… in the order returned, larger themes first; `unthemed` for the last group of texts in no theme. */
  readonly id: string;
  /** The first `labelTerms` terms joined by ", "; empty for `unthemed`. */
  readonly label: string;
  /** The most distinctive words of the theme, most distinctive first. */
  readonly terms: string[];
  /** The texts of the theme, closest to its centre first. */
  readonly itemIds: string[];
}

export interface ThemeOptions {
  /** Language rules (language.ts); default: guessed from the texts. */
  language?: TextLanguage;
  /** Least average cosine similarity between the texts of a theme, in (0, 1]; default 0.1. */
  minSimilarity?: number;
  /** Fewest texts in a theme (default 3). */
  minThemeSize?: number;
  /** Most themes (default: no limit); the smallest beyond it go to `unthemed`. */
  maxThemes?: number;
  /** Seed of the sample clustered when there are more than 2,000 texts (default 1). */
  seed?: number;
  /** Terms listed per theme (default 6). */
  termsPerTheme?: number;
  /** Terms in a label (default 3). */
  labelTerms?: number;
}

/** The id of the last group: the texts in no theme. */
export const UNTHEMED = 'unthemed';

/** A unit-length sparse vector: term indices ascending, weights parallel. */
interface SparseVector {
  readonly terms: Int32Array;
  readonly weights: Float64Array;
}

/** Most texts clustered exactly; beyond, a sample is clustered and the rest join the nearest theme. */
const CLUSTER_LIMIT = 2000;

function dotSparse(a: SparseVector, b: SparseVector): number {
  let s = 0;
  let i = 0;
  let j = 0;
  while (i < a.terms.length && j < b.terms.length) {
    const ta = a.terms[i]!;
    const tb = b.terms[j]!;
    if (ta === tb) s += a.weights[i++]! * b.weights[j++]!;
    else if (ta < tb) i++;
    else j++;
  }
  return s;
}

/** TF-IDF vectors of the texts' shared terms; null for a text with none. */
function vectorsOf(features: readonly TextFeatures[]): (SparseVector | null)[] {
  const documentFrequency = new Map<string, number>();
  for (const f of features) for (const term of f.terms.keys()) documentFrequency.set(term, (documentFrequency.get(term) ?? 0) + 1);
  const vocabulary = [...documentFrequency.entries()]
    .filter(([, df]) => df >= 2)
    .map(([term]) => term)
    .sort();
  const indexOf = new Map(vocabulary.map((t, i) => [t, i]));
  const n = features.length;
  const vectors = features.map((f) => {
    const entries: [number, number][] = [];
    for (const [term, count] of f.terms) {
      const index = indexOf.get(term);
      if (index === undefined) continue;
      entries.push([index, (1 + Math.log(count)) * (Math.log((n + 1) / (documentFrequency.get(term)! + 1)) + 1)]);
    }
    if (entries.length === 0) return null;
    entries.sort((a, b) => a[0] - b[0]);
    const norm = Math.sqrt(entries.reduce((s, [, w]) => s + w * w, 0));
    return { terms: Int32Array.from(entries, ([t]) => t), weights: Float64Array.from(entries, ([, w]) => w / norm) };
  });
  return vectors;
}

/**
 * Average-linkage agglomerative clustering by the nearest-neighbour chain algorithm (O(n²) time
 * and memory): every merge of the full dendrogram as [item a, item b, similarity], a and b being
 * any member of each side. Average linkage is reducible, so the chain finds the same dendrogram as
 * merging the most similar pair again and again; ties go to the chain's previous link, then to
 * the lower index, so the result does not depend on anything but the similarities.
 */
function averageLinkageMerges(vectors: readonly SparseVector[]): [number, number, number][] {
  const n = vectors.length;
  const similarity = new Float64Array(n * n);
  for (let a = 0; a < n; a++)
    for (let b = a + 1; b < n; b++) {
      const s = dotSparse(vectors[a]!, vectors[b]!);
      similarity[a * n + b] = s;
      similarity[b * n + a] = s;
    }
  const size = new Int32Array(n).fill(1);
  const active = new Uint8Array(n).fill(1);
  const merges: [number, number, number][] = [];
  const chain: number[] = [];
  let remaining = n;
  while (remaining > 1) {
    if (chain.length === 0) chain.push(active.indexOf(1));
    const a = chain[chain.length - 1]!;
    const previous = chain.length > 1 ? chain[chain.length - 2]! : -1;
    let best = previous;
    let bestSimilarity = previous >= 0 ? similarity[a * n + previous]! : -Infinity;
    for (let x = 0; x < n; x++) {
      if (x === a || active[x] === 0) continue;
      const s = similarity[a * n + x]!;
      if (s > bestSimilarity || (s === bestSimilarity && x < best && x !== previous && best !== previous)) {
        best = x;
        bestSimilarity = s;
      }
    }
    if (best !== previous) {
      chain.push(best);
      continue;
    }
    chain.pop();
    chain.pop();
    const [keep, drop] = a < best ? [a, best] : [best, a];
    merges.push([keep, drop, bestSimilarity]);
    for (let x = 0; x < n; x++) {
      if (active[x] === 0 || x === keep || x === drop) continue;
      const s = (size[keep]! * similarity[keep * n + x]! + size[drop]! * similarity[drop * n + x]!) / (size[keep]! + size[drop]!);
      similarity[keep * n + x] = s;
      similarity[x * n + keep] = s;
    }
    size[keep]! += size[drop]!;
    active[drop] = 0;
    remaining--;
  }
  return merges;
}

/** Clusters (lists of indices) of the dendrogram cut at `threshold`: merges at or above it joined. */
function clustersAt(n: number, merges: readonly [number, number, number][], threshold: number): number[][] {
  const parent = Int32Array.from({ length: n }, (_, i) => i);
  const root = (i: number): number => {
    while (parent[i] !== i) {
      parent[i] = parent[parent[i]!]!;
      i = parent[i]!;
    }
    return i;
  };
  for (const [a, b, s] of merges) if (s >= threshold) parent[Math.max(root(a), root(b))] = Math.min(root(a), root(b));
  const byRoot = new Map<number, number[]>();
  for (let i = 0; i < n; i++) {
    const r = root(i);
    const list = byRoot.get(r);
    if (list) list.push(i);
    else byRoot.set(r, [i]);
  }
  return [...byRoot.values()];
}

/** Unit-length centre of some vectors, sparse like them. */
function centreOf(vectors: readonly SparseVector[], members: readonly number[]): SparseVector {
  const sum = new Map<number, number>();
  for (const i of members) {
    const v = vectors[i]!;
    for (let j = 0; j < v.terms.length; j++) sum.set(v.terms[j]!, (sum.get(v.terms[j]!) ?? 0) + v.weights[j]!);
  }
  const entries = [...sum.entries()].sort((x, y) => x[0] - y[0]);
  const norm = Math.sqrt(entries.reduce((total, [, w]) => total + w * w, 0));
  return { terms: Int32Array.from(entries, ([t]) => t), weights: Float64Array.from(entries, ([, w]) => (norm > 0 ? w / norm : 0)) };
}

/** Up to `size` distinct indices in [0, n), ascending, seeded. */
function sampleIndices(n: number, size: number, random: RandomState): number[] {
  const all = Array.from({ length: n }, (_, i) => i);
  if (n <= size) return all;
  for (let i = 0; i < size; i++) {
    const j = i + Math.floor(randomUnit(random) * (n - i));
    [all[i], all[j]] = [all[j]!, all[i]!];
  }
  return all.slice(0, size).sort((a, b) => a - b);
}

/**
 * Groups of vectors (indices) whose average pairwise similarity is at least `threshold`, each of
 * at least `minSize`. Above CLUSTER_LIMIT vectors, a seeded sample is clustered and every other
 * vector joins the group whose centre it is most similar to, if that similarity reaches `threshold`
 * (ties to the earlier group).
 */
function groupsOf(vectors: readonly SparseVector[], threshold: number, minSize: number, seed: number): number[][] {
  const n = vectors.length;
  const sample = sampleIndices(n, CLUSTER_LIMIT, randomStateFromSeed(seed));
  const sampled = sample.map((i) => vectors[i]!);
  const groups = clustersAt(sampled.length, averageLinkageMerges(sampled), threshold)
    .filter((c) => c.length >= minSize)
    .map((c) => c.map((j) => sample[j]!));
  if (n > sample.length) {
    const centres = groups.map((g) => centreOf(vectors, g));
    const inSample = new Uint8Array(n);
    for (const i of sample) inSample[i] = 1;
    for (let i = 0; i < n; i++) {
      if (inSample[i] === 1) continue;
      let best = -1;
      let bestSimilarity = threshold;
      centres.forEach((centre, g) => {
        const s = dotSparse(vectors[i]!, centre);
        if (s > bestSimilarity || (best < 0 && s === bestSimilarity)) {
          best = g;
          bestSimilarity = s;
        }
      });
      if (best >= 0) groups[best]!.push(i);
    }
  }
  return groups;
}

/** The word most often written for each term across `features` (ties: shorter, then alphabetical). */
function surfaceForms(features: readonly TextFeatures[]): Map<string, string> {
  const counts = new Map<string, Map<string, number>>();
  for (const f of features)
    for (const [term, words] of f.surfaces) {
      const byWord = counts.get(term) ?? new Map<string, number>();
      for (const w of words) byWord.set(w, (byWord.get(w) ?? 0) + 1);
      counts.set(term, byWord);
    }
  const forms = new Map<string, string>();
  for (const [term, byWord] of counts) {
    const [word] = [...byWord.entries()].sort((a, b) => b[1] - a[1] || a[0].length - b[0].length || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))[0]!;
    forms.set(term, word);
  }
  return forms;
}

/**
 * Class-based TF-IDF: each group's terms, most distinctive first (ties alphabetical). A term's
 * frequency over all texts (`all`) is its denominator, so words common everywhere rank low. Terms
 * of digits only and terms written once in a group of several texts are left out.
 */
function distinctiveTerms(groups: readonly (readonly TextFeatures[])[], all: readonly TextFeatures[], count: number): string[][] {
  const overall = new Map<string, number>();
  let totalWords = 0;
  for (const f of all)
    for (const [term, c] of f.terms) {
      overall.set(term, (overall.get(term) ?? 0) + c);
      totalWords += c;
    }
  const meanWords = totalWords / Math.max(1, groups.length);
  return groups.map((members) => {
    const counts = new Map<string, number>();
    for (const f of members) for (const [term, c] of f.terms) counts.set(term, (counts.get(term) ?? 0) + c);
    const words = [...counts.values()].reduce((s, c) => s + c, 0);
    const scored = [...counts.entries()]
      .filter(([term, c]) => !/^[0-9]+$/.test(term) && (c >= 2 || members.length === 1))
      .map(([term, c]) => [term, (c / Math.max(1, words)) * Math.log(1 + meanWords / overall.get(term)!)] as [string, number]);
    scored.sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
    return scored.slice(0, count).map(([term]) => term);
  });
}

/** Group `items` into named themes. Ids must be distinct (a RangeError otherwise). */
export function themesOf(items: readonly ThemeItem[], options: ThemeOptions = {}): Theme[] {
  const sorted = [...items].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  for (let i = 1; i < sorted.length; i++) if (sorted[i]!.id === sorted[i - 1]!.id) throw new RangeError(`themesOf: the id "${sorted[i]!.id}" appears twice`);
  if (sorted.length === 0) return [];
  const minSimilarity = options.minSimilarity ?? 0.1;
  if (!(minSimilarity > 0 && minSimilarity <= 1)) throw new RangeError('themesOf: minSimilarity must be in (0, 1]');
  const language = options.language === undefined ? guessLanguage(sorted.map((i) => i.text)) : options.language;
  const minThemeSize = Math.max(1, Math.floor(options.minThemeSize ?? 3));
  const maxThemes = Math.max(0, Math.floor(options.maxThemes ?? Infinity));
  const termsPerTheme = Math.max(1, Math.floor(options.termsPerTheme ?? 6));
  const labelTerms = Math.max(1, Math.floor(options.labelTerms ?? 3));

  const features = sorted.map((item) => textFeatures(item.text, language));
  const vectors = vectorsOf(features);
  const withTerms = vectors.flatMap((v, i) => (v === null ? [] : [i]));
  const dense = withTerms.map((i) => vectors[i]!);

  // Each theme's texts, closest to its centre first; larger themes first, then by first id.
  const first = (group: readonly number[]): number => group.reduce((least, i) => Math.min(least, i), Infinity);
  const groups = groupsOf(dense, minSimilarity, minThemeSize, options.seed ?? 1)
    .map((members) => {
      const centre = centreOf(dense, members);
      return members
        .map((j) => ({ index: withTerms[j]!, closeness: dotSparse(dense[j]!, centre) }))
        .sort((a, b) => b.closeness - a.closeness || a.index - b.index)
        .map((m) => m.index);
    })
    .sort((a, b) => b.length - a.length || first(a) - first(b))
    .slice(0, maxThemes);

  const forms = surfaceForms(features);
  const terms = distinctiveTerms(
    groups.map((g) => g.map((i) => features[i]!)),
    features,
    termsPerTheme,
  );
  const themes: Theme[] = groups.map((group, g) => {
    const words = terms[g]!.map((t) => forms.get(t) ?? t);
    return { id: `theme-${g + 1}`, label: words.slice(0, labelTerms).join(', '), terms: words, itemIds: group.map((i) => sorted[i]!.id) };
  });
  const themed = new Uint8Array(sorted.length);
  for (const g of groups) for (const i of g) themed[i] = 1;
  const rest = sorted.filter((_, i) => themed[i] === 0).map((item) => item.id);
  if (rest.length > 0) themes.push({ id: UNTHEMED, label: '', terms: [], itemIds: rest });
  return themes;
}
