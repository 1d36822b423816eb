import type { Page } from 'playwright-core';
import { text } from '../_util/catalogue.js';

export type VoteChoice = 'agree' | 'disagree' | 'pass';

/** /issues/:id/vote: one statement at a time. */
export class VotePage {
  constructor(readonly page: Page) {}

  async statement(): Promise<string> {
    return this.page.getByTestId('statement-text').innerText();
  }

  /** How many statements are left, from "N statements left for you". */
  async remaining(): Promise<number> {
    return Number((await this.page.locator('.vote-card__progress').innerText()).replace(/[^\d]/g, ''));
  }

  /** Vote, then wait until the next statement has replaced this one. */
  async vote(choice: VoteChoice): Promise<string> {
    const before = await this.statement();
    await this.page
      .getByRole('group', { name: text('vote.yourVote'), exact: true })
      .getByRole('button', { name: text(`vote.${choice}`), exact: true })
      .click();
    await this.page.waitForFunction((prev) => {
      const el = (globalThis as unknown as { document: { querySelector(s: string): { textContent: string | null } | null } }).document.querySelector(
        '[data-testid="statement-text"]',
      );
      return !!el && el.textContent !== prev;
    }, before);
    return this.statement();
  }

  /** Tab from the statement to the choice, then Enter; waits for the next statement. */
  async voteByKeyboard(choice: VoteChoice): Promise<string> {
    const before = await this.statement();
    const order: VoteChoice[] = ['agree', 'disagree', 'pass'];
    for (let i = 0; i <= order.indexOf(choice); i++) await this.page.keyboard.press('Tab');
    const focused = await this.page.evaluate(
      () => (globalThis as unknown as { document: { activeElement: { textContent: string | null } | null } }).document.activeElement?.textContent,
    );
    if (focused !== text(`vote.${choice}`)) throw new Error(`keyboard: focus is on "${focused}", not on ${choice}`);
    await this.page.keyboard.press('Enter');
    await this.page.waitForFunction((prev) => {
      const el = (globalThis as unknown as { document: { querySelector(s: string): { textContent: string | null } | null } }).document.querySelector(
        '[data-testid="statement-text"]',
      );
      return !!el && el.textContent !== prev;
    }, before);
    return this.statement();
  }

  async status(): Promise<string> {
    return this.page.getByRole('status').filter({ hasText: /\S/ }).last().innerText();
  }

  async stop(): Promise<void> {
    await this.page.getByRole('link', { name: text('vote.stop'), exact: true }).click();
  }
}
