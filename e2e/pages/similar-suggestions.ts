import type { Locator, Page } from 'playwright-core';
import { text } from '../_util/catalogue.js';

/** /issues/:id/write, as the member types: the statements like theirs, to vote on instead. */
export class SimilarSuggestions {
  constructor(readonly page: Page) {}

  field(): Locator {
    return this.page.getByLabel(text('write.label'), { exact: true });
  }

  /** Type as a person does, key by key. */
  async type(statement: string): Promise<void> {
    await this.field().click();
    await this.page.keyboard.type(statement, { delay: 20 });
  }

  /** What the live region beside the field says. */
  async announced(): Promise<string> {
    return this.page.locator('.field p[role="status"]').innerText();
  }

  region(): Locator {
    return this.page.getByRole('region', { name: text('write.similar.title'), exact: true });
  }

  async statements(): Promise<string[]> {
    return this.region().locator('.moderation-item__text').allInnerTexts();
  }

  /** Tab from the field until the first suggestion's `choice` button has the focus (at most `limit` presses); its name then. */
  async tabToFirst(choice: 'agree' | 'disagree' | 'pass', limit = 6): Promise<boolean> {
    const button = this.region()
      .getByRole('listitem')
      .first()
      .getByRole('button', { name: text(`vote.${choice}`), exact: true });
    await this.field().focus();
    for (let i = 0; i < limit; i++) {
      await this.page.keyboard.press('Tab');
      if (await button.evaluate((el) => el === el.ownerDocument.activeElement)) return true;
    }
    return false;
  }

  async pressed(choice: 'agree' | 'disagree' | 'pass'): Promise<string | null> {
    return this.region()
      .getByRole('listitem')
      .first()
      .getByRole('button', { name: text(`vote.${choice}`), exact: true })
      .getAttribute('aria-pressed');
  }

  async saved(): Promise<string> {
    return this.region().locator('p[role="status"]').innerText();
  }
}
