import type { Page } from 'playwright-core';
import { text } from '../_util/catalogue.js';

/** /me/input: what became of a member's statements, votes and reports. */
export class MyInputPage {
  constructor(readonly page: Page) {}

  async waitUntilShown(): Promise<void> {
    await this.page.getByRole('heading', { level: 2, name: text('myInput.reportsTitle'), exact: true }).waitFor();
  }

  /** Each report's lines: its verdict and claim, and where the claim stands now. */
  async reports(): Promise<string[]> {
    return this.page.locator('section[aria-labelledby="reports-heading"] .card').allInnerTexts();
  }

  /** The claims citing one of the member's statements, one line each. */
  async citations(statement: string): Promise<string[]> {
    return this.page.locator('section[aria-labelledby="statements-heading"] .card', { hasText: statement }).locator('.citations li').allInnerTexts();
  }

  async statements(): Promise<string[]> {
    return this.page.locator('section[aria-labelledby="statements-heading"] .fate__text').allInnerTexts();
  }
}
