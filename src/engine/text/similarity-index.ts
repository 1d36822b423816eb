/**
 * An incremental similarity index over short texts: the closest existing statements to what a
 * member is typing.
 *
 * Each text has two sparse vectors (features.ts): its terms (stems) and its character trigrams.
 * Both are weighted (1 + ln tf) · idf with the smooth idf ln((N + 1) / (df + 1)) + 1 of the live
 * texts, and compared by cosine. The score of a text is
 *   termWeight · cos(terms) + (1 − termWeight) · cos(trigrams),
 * in [0, 1]: 1 for the same words, 0 for nothing shared. Terms carry meaning (stemmed, synonyms
 * folded); trigrams carry typos, unknown inflections and scripts without rules.
 *
 * A query walks the inverted lists of its own features only (a typed sentence has tens of them),
 * so its cost grows with the lengths of those lists, not with the number of texts times their
 * length. Adding or removing a text touches its own features; the texts' vector lengths, which
 * depend on every idf, are recomputed in one linear pass on the first query after a change.
 *
 * Invariants: a score depends on the set of live texts and the query only, not on the order in
 * which texts were added (every sum runs in an order fixed by the text or the query); ties are
 * broken by id, so results are deterministic.
 */
import type { TextLanguage } from './language.js';
import { textFeatures, type TextFeatures } from './features.js';

export interface SimilarityMatch {
  readonly id: string;
  /** Similarity in [0, 1]. */
  readonly score: number;
}

export interface SimilarityIndexOptions {
  /** Language rules for every text and query (see language.ts); default 'en'. */
  language?: TextLanguage;
  /** Share of the score from terms, the rest from character trigrams; in [0, 1], default 0.5. */
  termWeight?: number;
}

export interface SimilarityIndex {
  /** Add a text under `id`, replacing any text held under that id. */
  add(id: string, text: string): void;
  /** Forget `id`; false when it was not held. */
  remove(id: string): boolean;
  /** Up to `k` texts with a positive score, best first (ties by id). */
  query(text: string, k: number): SimilarityMatch[];
  has(id: string): boolean;
  /** Number of texts held. */
  readonly size: number;
}

/** A typed array that grows by doubling; `length` entries are in use. */
interface Buffer<T extends Int32Array | Float32Array | Float64Array | Uint8Array> {
  data: T;
  length: number;
}

function int32Buffer(capacity = 4): Buffer<Int32Array> {
  return { data: new Int32Array(capacity), length: 0 };
}

function float32Buffer(capacity = 4): Buffer<Float32Array> {
  return { data: new Float32Array(capacity), length: 0 };
}

/** Room for `extra` more entries. */
function reserve<T extends Int32Array | Float32Array | Float64Array | Uint8Array>(buffer: Buffer<T>, extra: number): void {
  const needed = buffer.length + extra;
  if (needed <= buffer.data.length) return;
  let capacity = Math.max(4, buffer.data.length);
  while (capacity < needed) capacity *= 2;
  const grown = new (buffer.data.constructor as new (n: number) => T)(capacity);
  grown.set(buffer.data.subarray(0, buffer.length));
  buffer.data = grown;
}

/** Append one entry. */
function push<T extends Int32Array | Float32Array | Float64Array | Uint8Array>(buffer: Buffer<T>, value: number): void {
  if (buffer.length === buffer.data.length) reserve(buffer, 1);
  buffer.data[buffer.length++] = value;
}

/** One vector space: a vocabulary with document frequencies, inverted lists and each text's features. */
interface Channel {
  readonly vocabulary: Map<string, number>;
  /** Per feature: live texts holding it. */
  readonly documentFrequency: Buffer<Int32Array>;
  /** Per feature: slots of the texts holding it (dead slots included until compaction). */
  readonly postingSlots: Buffer<Int32Array>[];
  /** Per feature, parallel to postingSlots: 1 + ln tf. */
  readonly postingWeights: Buffer<Float32Array>[];
  /** Per slot: where its features start in `features` / `weights` (slot + 1: where they end). */
  readonly featureStart: Buffer<Int32Array>;
  readonly features: Buffer<Int32Array>;
  readonly weights: Buffer<Float32Array>;
  /** Per slot: vector length under the current idf (valid while the index is clean). */
  norms: Float64Array;
  /** Per feature: smooth idf for `idfFor` live texts. */
  idf: Float64Array;
  idfFor: number;
}

const TERMS = 0;
const GRAMS = 1;

function newChannel(): Channel {
  const featureStart = int32Buffer();
  featureStart.length = 1; // featureStart[0] = 0
  return {
    vocabulary: new Map(),
    documentFrequency: int32Buffer(),
    postingSlots: [],
    postingWeights: [],
    featureStart,
    features: int32Buffer(),
    weights: float32Buffer(),
    norms: new Float64Array(0),
    idf: new Float64Array(0),
    idfFor: -1,
  };
}

const smoothIdf = (live: number, df: number): number => Math.log((live + 1) / (df + 1)) + 1;
const tfWeight = (count: number): number => 1 + Math.log(count);

function channelFeatures(features: TextFeatures, channel: number): Map<string, number> {
  return channel === TERMS ? features.terms : features.grams;
}

/** The idf of every feature of `channel` for `live` texts, cached. */
function idfOf(channel: Channel, live: number): Float64Array {
  const count = channel.documentFrequency.length;
  if (channel.idfFor === live && channel.idf.length === count) return channel.idf;
  const idf = new Float64Array(count);
  const df = channel.documentFrequency.data;
  for (let f = 0; f < count; f++) idf[f] = smoothIdf(live, df[f]!);
  channel.idf = idf;
  channel.idfFor = live;
  return idf;
}

/** True when (scoreA, idA) ranks above (scoreB, idB): higher score, then smaller id. */
const ranksAbove = (scoreA: number, idA: string, scoreB: number, idB: string): boolean => scoreA > scoreB || (scoreA === scoreB && idA < idB);

export function createSimilarityIndex(options: SimilarityIndexOptions = {}): SimilarityIndex {
  const language: TextLanguage = options.language === undefined ? 'en' : options.language;
  const termWeight = options.termWeight ?? 0.5;
  if (!(termWeight >= 0 && termWeight <= 1)) throw new RangeError('termWeight must be in [0, 1]');
  const channelWeight = [termWeight, 1 - termWeight] as const;

  let channels: [Channel, Channel] = [newChannel(), newChannel()];
  /** Per slot: the id held there, and whether it is live. */
  let ids: string[] = [];
  let live: Buffer<Uint8Array> = { data: new Uint8Array(16), length: 0 };
  const slotOf = new Map<string, number>();
  let deadFeatures = 0;
  let liveFeatures = 0;
  /** True when some norm may be stale: a text was added or removed since norms were computed. */
  let dirty = false;
  /** Query scratch, per slot: accumulated dot products, and whether the slot was reached. */
  let termDot = new Float64Array(0);
  let gramDot = new Float64Array(0);
  let reached = new Uint8Array(0);

  function featureIdOf(channel: Channel, feature: string): number {
    let id = channel.vocabulary.get(feature);
    if (id === undefined) {
      id = channel.documentFrequency.length;
      channel.vocabulary.set(feature, id);
      push(channel.documentFrequency, 0);
      channel.postingSlots.push(int32Buffer(2));
      channel.postingWeights.push(float32Buffer(2));
    }
    return id;
  }

  /** Append a text's features (ids, and 1 + ln tf each) to `channel` at `slot`, the next slot. */
  function appendFeatures(channel: Channel, slot: number, featureIds: ArrayLike<number>, weights: ArrayLike<number>): void {
    const count = featureIds.length;
    reserve(channel.features, count);
    reserve(channel.weights, count);
    for (let i = 0; i < count; i++) {
      const f = featureIds[i]!;
      const weight = weights[i]!;
      channel.features.data[channel.features.length++] = f;
      channel.weights.data[channel.weights.length++] = weight;
      channel.documentFrequency.data[f]!++;
      push(channel.postingSlots[f]!, slot);
      push(channel.postingWeights[f]!, weight);
    }
    push(channel.featureStart, channel.features.length);
    liveFeatures += count;
  }

  function add(id: string, text: string): void {
    remove(id);
    const features = textFeatures(text, language);
    const slot = ids.length;
    for (let c = 0; c < 2; c++) {
      const channel = channels[c]!;
      const counts = channelFeatures(features, c);
      const featureIds = new Int32Array(counts.size);
      const weights = new Float32Array(counts.size);
      let i = 0;
      for (const [feature, count] of counts) {
        featureIds[i] = featureIdOf(channel, feature);
        weights[i++] = tfWeight(count);
      }
      appendFeatures(channel, slot, featureIds, weights);
    }
    ids.push(id);
    push(live, 1);
    slotOf.set(id, slot);
    dirty = true;
  }

  function remove(id: string): boolean {
    const slot = slotOf.get(id);
    if (slot === undefined) return false;
    live.data[slot] = 0;
    slotOf.delete(id);
    for (const channel of channels) {
      const from = channel.featureStart.data[slot]!;
      const to = channel.featureStart.data[slot + 1]!;
      for (let i = from; i < to; i++) channel.documentFrequency.data[channel.features.data[i]!]!--;
      deadFeatures += to - from;
      liveFeatures -= to - from;
    }
    dirty = true;
    if (deadFeatures > liveFeatures) compact();
    return true;
  }

  /** Drop dead texts: renumber the live ones and rebuild every list. Feature ids (the vocabularies) are kept; document frequencies are counted again. */
  function compact(): void {
    const old = channels;
    const oldIds = ids;
    const oldLive = live;
    channels = [newChannel(), newChannel()];
    for (let c = 0; c < 2; c++) {
      // Keep feature ids: copy the vocabulary, frequencies and empty lists.
      const fresh = channels[c]!;
      for (const [feature, f] of old[c]!.vocabulary) fresh.vocabulary.set(feature, f);
      const count = old[c]!.documentFrequency.length;
      reserve(fresh.documentFrequency, count);
      fresh.documentFrequency.length = count; // zeros: appendFeatures counts the live texts again
      for (let f = 0; f < count; f++) {
        fresh.postingSlots.push(int32Buffer(2));
        fresh.postingWeights.push(float32Buffer(2));
      }
    }
    ids = [];
    live = { data: new Uint8Array(16), length: 0 };
    slotOf.clear();
    liveFeatures = 0;
    deadFeatures = 0;
    for (let slot = 0; slot < oldIds.length; slot++) {
      if (oldLive.data[slot] === 0) continue;
      const next = ids.length;
      for (let c = 0; c < 2; c++) {
        const from = old[c]!.featureStart.data[slot]!;
        const to = old[c]!.featureStart.data[slot + 1]!;
        appendFeatures(channels[c]!, next, old[c]!.features.data.subarray(from, to), old[c]!.weights.data.subarray(from, to));
      }
      ids.push(oldIds[slot]!);
      push(live, 1);
      slotOf.set(oldIds[slot]!, next);
    }
    dirty = true;
  }

  /** Every live text's vector lengths under the current idf. */
  function refreshNorms(): void {
    const liveCount = slotOf.size;
    for (const channel of channels) {
      const idf = idfOf(channel, liveCount);
      if (channel.norms.length < ids.length) channel.norms = new Float64Array(Math.max(16, ids.length * 2));
      const start = channel.featureStart.data;
      const features = channel.features.data;
      const weights = channel.weights.data;
      const norms = channel.norms;
      for (let slot = 0; slot < ids.length; slot++) {
        if (live.data[slot] === 0) continue;
        let sum = 0;
        for (let i = start[slot]!, end = start[slot + 1]!; i < end; i++) {
          const w = weights[i]! * idf[features[i]!]!;
          sum += w * w;
        }
        norms[slot] = Math.sqrt(sum);
      }
    }
    dirty = false;
  }

  /** Add, for every text holding a feature of the query, its dot product with the query into `dot`. Returns false when the query has no feature in this channel. */
  function accumulate(channel: Channel, counts: ReadonlyMap<string, number>, dot: Float64Array, touched: Buffer<Int32Array>): boolean {
    const liveCount = slotOf.size;
    const idf = idfOf(channel, liveCount);
    // The query's own length counts features no text holds (df 0): they make it less like everything.
    let queryNormSquared = 0;
    const known: number[] = [];
    for (const [feature, count] of counts) {
      const f = channel.vocabulary.get(feature);
      const weight = tfWeight(count) * (f === undefined ? smoothIdf(liveCount, 0) : idf[f]!);
      queryNormSquared += weight * weight;
      if (f !== undefined && channel.documentFrequency.data[f]! > 0) known.push(f, weight);
    }
    if (queryNormSquared === 0) return false;
    const queryNorm = Math.sqrt(queryNormSquared);
    const isLive = live.data;
    for (let j = 0; j < known.length; j += 2) {
      const f = known[j]!;
      const factor = (known[j + 1]! * idf[f]!) / queryNorm;
      const slots = channel.postingSlots[f]!;
      const weights = channel.postingWeights[f]!.data;
      const slotData = slots.data;
      for (let i = 0, n = slots.length; i < n; i++) {
        const slot = slotData[i]!;
        if (isLive[slot] === 0) continue;
        dot[slot]! += factor * weights[i]!;
        if (reached[slot] === 0) {
          reached[slot] = 1;
          push(touched, slot);
        }
      }
    }
    return true;
  }

  function query(text: string, k: number): SimilarityMatch[] {
    const wanted = Math.floor(k);
    if (!(wanted >= 1) || slotOf.size === 0) return [];
    if (dirty) refreshNorms();
    if (termDot.length < ids.length) {
      const capacity = Math.max(16, ids.length * 2);
      termDot = new Float64Array(capacity);
      gramDot = new Float64Array(capacity);
      reached = new Uint8Array(capacity);
    }
    const features = textFeatures(text, language);
    const touched = int32Buffer(256);
    const anyTerm = accumulate(channels[TERMS], features.terms, termDot, touched);
    const anyGram = accumulate(channels[GRAMS], features.grams, gramDot, touched);
    if (!anyTerm && !anyGram) return [];

    // The k best so far, best first (k is small: insertion into a short sorted list).
    const bestScores: number[] = [];
    const bestSlots: number[] = [];
    const termNorms = channels[TERMS].norms;
    const gramNorms = channels[GRAMS].norms;
    for (let i = 0; i < touched.length; i++) {
      const slot = touched.data[i]!;
      const termCos = termNorms[slot]! > 0 ? termDot[slot]! / termNorms[slot]! : 0;
      const gramCos = gramNorms[slot]! > 0 ? gramDot[slot]! / gramNorms[slot]! : 0;
      termDot[slot] = 0;
      gramDot[slot] = 0;
      reached[slot] = 0;
      const score = Math.min(1, Math.max(0, channelWeight[TERMS] * termCos + channelWeight[GRAMS] * gramCos));
      if (score <= 0) continue;
      const full = bestScores.length === wanted;
      if (full && !ranksAbove(score, ids[slot]!, bestScores[wanted - 1]!, ids[bestSlots[wanted - 1]!]!)) continue;
      let at = full ? wanted - 1 : bestScores.length;
      while (at > 0 && ranksAbove(score, ids[slot]!, bestScores[at - 1]!, ids[bestSlots[at - 1]!]!)) {
        bestScores[at] = bestScores[at - 1]!;
        bestSlots[at] = bestSlots[at - 1]!;
        at--;
      }
      bestScores[at] = score;
      bestSlots[at] = slot;
    }
    return bestSlots.map((slot, i) => ({ id: ids[slot]!, score: bestScores[i]! }));
  }

  return {
    add,
    remove,
    query,
    has: (id) => slotOf.has(id),
    get size() {
      return slotOf.size;
    },
  };
}
