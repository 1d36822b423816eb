import type { Page } from 'playwright-core';
import { text } from '../_util/catalogue.js';

/** /issues/:id/write */
export class WritePage {
  constructor(readonly page: Page) {}

  async write(statement: string): Promise<string> {
    await this.page.getByLabel(text('write.label'), { exact: true }).fill(statement);
    await this.page.getByRole('button', { name: text('write.submit'), exact: true }).click();
    const notice = this.page.locator('.notice--success .notice__title');
    await notice.waitFor();
    return notice.innerText();
  }
}
