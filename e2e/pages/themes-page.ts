import type { Locator, Page } from 'playwright-core';
import { text } from '../_util/catalogue.js';

/** /organise/issues/:id/themes */
export class ThemesPage {
  constructor(readonly page: Page) {}

  async waitUntilShown(): Promise<void> {
    await this.page.getByRole('heading', { level: 1, name: text('themes.title'), exact: true }).waitFor();
    await this.themes().first().waitFor();
  }

  /** One region per theme, named by its label. */
  themes(): Locator {
    return this.page.locator('section.card');
  }

  async labels(): Promise<string[]> {
    return this.themes().locator('h2').allInnerTexts();
  }

  /** The text alternative of a theme's group-votes chart: one line per opinion group. */
  async groupVotes(theme: number): Promise<string[]> {
    return this.themes().nth(theme).locator('.group-votes__text li').allInnerTexts();
  }

  /** Whether a theme's chart is drawn as an image with its label. */
  chart(theme: number): Locator {
    return this.themes().nth(theme).locator('.plot--bars svg[role="img"]');
  }

  async claims(theme: number): Promise<string[]> {
    return this.themes().nth(theme).locator('.citations q').allInnerTexts();
  }

  async statements(theme: number): Promise<string[]> {
    return this.themes().nth(theme).locator('.fate__text').allInnerTexts();
  }

  /** Open "Merge into…" under a statement, pick the first statement offered, merge; the announcement. */
  async mergeIntoFirstOffered(statement: string): Promise<{ into: string; announced: string }> {
    const item = this.page.locator('li', { has: this.page.locator('.fate__text', { hasText: statement }) });
    await item.getByText(text('themes.mergeInto'), { exact: true }).click();
    const select = item.getByLabel(text('themes.mergeTarget'), { exact: true });
    await select.locator('option').first().waitFor({ state: 'attached' });
    const into = (await select.locator('option:checked').innerText()).trim();
    await item.getByRole('button', { name: text('themes.merge'), exact: true }).click();
    const status = this.page.locator('p[role="status"]', { hasText: into });
    await status.waitFor();
    return { into, announced: await status.innerText() };
  }
}
