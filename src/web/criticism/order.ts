import type { CriticismDto } from '../api/client.js';

/**
 * The inbox's order: unanswered first, the longest waiting first (a batch's criticism by most
 * seconds); then the answered, the latest answer first.
 */
export function inboxOrder(criticisms: readonly CriticismDto[]): { waiting: CriticismDto[]; answered: CriticismDto[] } {
  const waiting = criticisms
    .filter((c) => c.answers.length === 0)
    .sort((a, b) => Date.parse(a.publishedAt) - Date.parse(b.publishedAt) || b.seconds - a.seconds || a.chain.position - b.chain.position);
  const lastAnswer = (c: CriticismDto) => Math.max(...c.answers.map((a) => Date.parse(a.answeredAt)));
  const answered = criticisms.filter((c) => c.answers.length > 0).sort((a, b) => lastAnswer(b) - lastAnswer(a));
  return { waiting, answered };
}
