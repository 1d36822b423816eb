import type { Locator, Page } from 'playwright-core';
import { text } from '../_util/catalogue.js';

/** /organise/criticism: the leadership's inbox, unanswered first. */
export class CriticismInboxPage {
  constructor(readonly page: Page) {}

  async waitUntilShown(): Promise<void> {
    await this.page.getByRole('heading', { level: 1, name: text('inbox.title'), exact: true }).waitFor();
    await this.page.locator('#waiting-heading').waitFor();
  }

  private waitingList(): Locator {
    return this.page.locator('section[aria-labelledby="waiting-heading"]');
  }

  /** The unanswered criticism in the inbox's order, each with its aging badge. */
  async waiting(): Promise<{ text: string; badge: string; aging: boolean }[]> {
    const items = this.waitingList().locator('.inbox-item');
    const out: { text: string; badge: string; aging: boolean }[] = [];
    for (let i = 0; i < (await items.count()); i++) {
      const item = items.nth(i);
      out.push({
        text: await item.locator('.criticism__text').innerText(),
        badge: await item.locator('.criticism__badges .badge').innerText(),
        aging: ((await item.getAttribute('class')) ?? '').includes('inbox-item--aging'),
      });
    }
    return out;
  }

  async answeredTexts(): Promise<string[]> {
    return this.page.locator('section[aria-labelledby="answered-heading"] .criticism__text').allInnerTexts();
  }

  /** Answer a waiting criticism in public; resolves when it has moved to the answered ones. */
  async answer(words: string, answer: string): Promise<string> {
    const item = this.waitingList()
      .locator('.inbox-item', { has: this.page.locator('.criticism__text', { hasText: words }) })
      .first();
    await item.getByLabel(text('inbox.answerLabel'), { exact: true }).fill(answer);
    await item.getByRole('button', { name: text('inbox.answer'), exact: true }).click();
    const notice = this.page.locator('.notice--success .notice__title');
    await notice.waitFor();
    await this.page.locator('section[aria-labelledby="answered-heading"] .criticism__text', { hasText: words }).first().waitFor();
    return notice.innerText();
  }

  async figure(key: string): Promise<string> {
    return this.page
      .locator('.criticism-figures > div', { has: this.page.locator('dt').getByText(text(key), { exact: true }) })
      .locator('dd')
      .innerText();
  }
}
