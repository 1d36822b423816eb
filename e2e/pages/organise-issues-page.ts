import type { Page } from 'playwright-core';
import { text } from '../_util/catalogue.js';

/** /organise: the issues with their phases. */
export class OrganiseIssuesPage {
  constructor(readonly page: Page) {}

  async waitUntilShown(): Promise<void> {
    await this.page.getByRole('heading', { level: 1, name: text('organise.title'), exact: true }).waitFor();
    await this.page.getByRole('table').waitFor();
  }

  /** Each issue's title and phase, as listed. */
  async rows(): Promise<{ title: string; phase: string }[]> {
    const rows = this.page.getByRole('table').locator('tbody tr');
    const out: { title: string; phase: string }[] = [];
    for (let i = 0; i < (await rows.count()); i++) {
      const row = rows.nth(i);
      out.push({ title: await row.locator('th').innerText(), phase: await row.locator('.badge').innerText() });
    }
    return out;
  }

  /** The criticism card of the desk: how many criticisms wait for the leadership's answer. */
  async unansweredCriticism(): Promise<number> {
    const card = this.page.getByRole('region', { name: text('inbox.summary.title'), exact: true });
    const figure = card.locator('dl > div', { has: this.page.locator('dt').getByText(text('criticism.figures.unanswered'), { exact: true }) }).locator('dd');
    await figure.waitFor();
    return Number((await figure.innerText()).replace(/[^\d]/g, ''));
  }

  async open(title: string): Promise<void> {
    await this.page.getByRole('link', { name: title }).click();
  }
}
