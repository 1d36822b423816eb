import type { Page } from 'playwright-core';
import { text } from '../_util/catalogue.js';

/** /join/:token */
export class JoinPage {
  constructor(readonly page: Page) {}

  heading() {
    return this.page.getByRole('heading', { level: 1 });
  }

  async join(displayName: string, constituency?: string): Promise<void> {
    await this.page.getByLabel(text('join.displayName'), { exact: true }).fill(displayName);
    if (constituency) await this.page.getByLabel(text('join.constituency'), { exact: false }).fill(constituency);
    await this.page.getByRole('button', { name: text('join.submit'), exact: true }).click();
  }
}
