/**
 * The optional summary of a theme, asked of an OpenAI-compatible endpoint the organisation runs
 * (MASSLINE_SUMMARY_URL, e.g. a local model server). The model is given the theme's statements
 * and reports under short labels (S1, R1…) and asked for a few sentences, each ending with the
 * labels it rests on in square brackets. What comes back is checked, not trusted: a sentence is
 * kept only with at least one citation of an item of this theme, and the citations are turned
 * back into statement and report ids; every other sentence is dropped and counted.
 */
import { z } from 'zod';
import type { SummaryEndpoint } from '../config.js';

export interface SummaryItem {
  id: string;
  text: string;
}

export interface Cite {
  kind: 'statement' | 'report';
  ref: string;
}

export interface CitedSentence {
  text: string;
  cites: Cite[];
}

export interface Summary {
  sentences: CitedSentence[];
  /** Sentences dropped for citing nothing of the theme. */
  dropped: number;
}

export interface SummaryRequest {
  issueTitle: string;
  themeLabel: string;
  statements: readonly SummaryItem[];
  reports: readonly SummaryItem[];
}

/** What the model is shown at most: the items closest to the theme's centre come first. */
const MAX_ITEMS = 60;
const MAX_ITEM_CHARS = 500;
const END_MARKS = /[.!?。！？]/;

/** The chat messages, and the label → item table the answer is read back with. */
export function summaryPrompt(request: SummaryRequest): { messages: { role: 'system' | 'user'; content: string }[]; labels: Map<string, Cite> } {
  const labels = new Map<string, Cite>();
  const lines = (items: readonly SummaryItem[], prefix: 'S' | 'R', kind: Cite['kind']) =>
    items.slice(0, MAX_ITEMS).map((item, i) => {
      labels.set(`${prefix}${i + 1}`, { kind, ref: item.id });
      return `${prefix}${i + 1}: ${item.text.replace(/\s+/g, ' ').slice(0, MAX_ITEM_CHARS)}`;
    });
  const statements = lines(request.statements, 'S', 'statement');
  const reports = lines(request.reports, 'R', 'report');
  const system =
    'You summarise what the members of an organisation said on one theme of an issue. Write two to five short sentences, in the language of the statements. ' +
    'End every sentence with the labels of the statements or reports it rests on, in square brackets, for example [S1, S3]. Use only the labels given. ' +
    'Say nothing the cited items do not say. One sentence per line, and nothing else.';
  const user = [
    `Issue: ${request.issueTitle}`,
    `Theme: ${request.themeLabel}`,
    '',
    'Statements:',
    ...statements,
    ...(reports.length ? ['', 'Reports on practice:', ...reports] : []),
  ].join('\n');
  return {
    messages: [
      { role: 'system', content: system },
      { role: 'user', content: user },
    ],
    labels,
  };
}

/** A line cut into sentences: after end marks followed by a space or the end, with the citations right after them kept. */
export function sentencesOf(line: string): string[] {
  const out: string[] = [];
  let start = 0;
  let i = 0;
  while (i < line.length) {
    const ch = line[i]!;
    if (ch === '[') {
      const close = line.indexOf(']', i);
      i = close < 0 ? line.length : close + 1;
      continue;
    }
    if (!END_MARKS.test(ch)) {
      i++;
      continue;
    }
    let end = i + 1;
    while (end < line.length && END_MARKS.test(line[end]!)) end++;
    // Citations written after the full stop belong to the sentence before it.
    for (;;) {
      const m = /^\s*\[[^\]]*\]/.exec(line.slice(end));
      if (!m) break;
      end += m[0].length;
    }
    // "25.5" or "e.g." do not end a sentence; the wide end marks of Chinese and Japanese always do.
    if (end >= line.length || /\s/.test(line[end]!) || /[。！？]/.test(ch)) {
      out.push(line.slice(start, end));
      start = end;
    }
    i = end;
  }
  out.push(line.slice(start));
  return out.map((s) => s.trim()).filter((s) => s.length > 0);
}

/**
 * The model's answer read back: each sentence with the items its bracketed labels (or ids) name,
 * the brackets taken out of its text. A sentence naming no item of the theme is dropped.
 */
export function citedSentences(content: string, labels: ReadonlyMap<string, Cite>): Summary {
  const byRef = new Map([...labels.values()].map((c) => [c.ref, c]));
  const sentences: CitedSentence[] = [];
  let dropped = 0;
  // Full-width brackets, as a model writing Chinese or Japanese may use, are brackets too.
  for (const raw of content
    .replace(/[［【]/g, '[')
    .replace(/[］】]/g, ']')
    .split(/\r?\n/)) {
    // List markers a model may add anyway: "- ", "* ", "1. ", "2) ".
    const line = raw.replace(/^\s*(?:[-*•]|\d{1,2}[.)])\s+/, '');
    for (const sentence of sentencesOf(line)) {
      const cites: Cite[] = [];
      for (const group of sentence.matchAll(/\[([^\]]*)\]/g)) {
        for (const token of group[1]!.split(/[\s,;、，]+/)) {
          const cite = labels.get(token.toUpperCase()) ?? byRef.get(token);
          if (cite && !cites.some((c) => c.ref === cite.ref)) cites.push(cite);
        }
      }
      const text = sentence
        .replace(/\s*\[[^\]]*\]/g, '')
        .replace(/\s+([.,;:!?。！？，])/g, '$1')
        .replace(/\s+/g, ' ')
        .trim();
      if (cites.length === 0 || !/[\p{L}\p{N}]/u.test(text)) {
        dropped++;
        continue;
      }
      sentences.push({ text, cites });
    }
  }
  return { sentences, dropped };
}

const ChatCompletion = z.object({ choices: z.array(z.object({ message: z.object({ content: z.string().nullable() }) })).min(1) });

export class SummaryUnavailable extends Error {}

/** Ask the endpoint for the summary of one theme and read it back; SummaryUnavailable when it does not answer as an OpenAI-compatible endpoint does. */
export async function summariseTheme(endpoint: SummaryEndpoint, request: SummaryRequest, timeoutMs = 60_000): Promise<Summary> {
  const { messages, labels } = summaryPrompt(request);
  let res: Response;
  try {
    res = await fetch(`${endpoint.url}/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: endpoint.model, messages, temperature: 0.2 }),
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (e) {
    throw new SummaryUnavailable(`the summary endpoint could not be reached (${e instanceof Error ? e.name : 'error'})`);
  }
  if (!res.ok) throw new SummaryUnavailable(`the summary endpoint answered ${res.status}`);
  const parsed = ChatCompletion.safeParse(await res.json().catch(() => null));
  if (!parsed.success) throw new SummaryUnavailable('the summary endpoint did not answer as an OpenAI-compatible chat completion');
  return citedSentences(parsed.data.choices[0]!.message.content ?? '', labels);
}
