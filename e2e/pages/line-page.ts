import type { Page } from 'playwright-core';
import { text } from '../_util/catalogue.js';

/** /issues/:id/line: the published line and the member's answer. */
export class LinePage {
  constructor(readonly page: Page) {}

  async claims(): Promise<string[]> {
    await this.page.locator('.claims').waitFor();
    return this.page.locator('.claim__text').allInnerTexts();
  }

  async answer(kind: 'embrace' | 'critique' | 'amend', body?: string): Promise<string> {
    await this.page.getByRole('radio', { name: text(`line.kind.${kind}`), exact: true }).check();
    if (body) await this.page.getByLabel(text(`line.textLabel.${kind}`), { exact: true }).fill(body);
    await this.page.getByRole('button', { name: text('line.submit'), exact: true }).click();
    const notice = this.page.locator('.notice--success .notice__title');
    await notice.waitFor();
    return notice.innerText();
  }
}
