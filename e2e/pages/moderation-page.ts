import type { Page } from 'playwright-core';
import { text } from '../_util/catalogue.js';

/** /organise/issues/:id/moderation */
export class ModerationPage {
  constructor(readonly page: Page) {}

  async waiting(): Promise<string[]> {
    await this.page.getByRole('heading', { level: 1, name: text('moderation.title'), exact: true }).waitFor();
    return this.page.locator('.moderation-item__text').allInnerTexts();
  }

  async decide(statement: string, decision: 'accept' | 'reject'): Promise<void> {
    const item = this.page.locator('.moderation-item', { hasText: statement });
    await item.getByRole('button', { name: text(`moderation.${decision}`), exact: true }).click();
    await this.page.locator('section[aria-labelledby="decided-heading"]', { hasText: statement }).waitFor();
  }
}
