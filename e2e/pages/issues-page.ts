import type { Page } from 'playwright-core';
import { text } from '../_util/catalogue.js';

/** / for a member: the organisation's issues. */
export class IssuesPage {
  constructor(readonly page: Page) {}

  async waitUntilShown(): Promise<void> {
    await this.page.getByRole('heading', { level: 1, name: text('home.issuesTitle'), exact: true }).waitFor();
    await this.page.getByRole('list', { name: text('home.issuesTitle'), exact: true }).waitFor();
  }

  /** The titles of the listed issues. */
  async titles(): Promise<string[]> {
    return this.page
      .getByRole('list', { name: text('home.issuesTitle'), exact: true })
      .getByRole('heading')
      .allInnerTexts();
  }

  async open(title: string): Promise<void> {
    await this.page.getByRole('link', { name: title }).click();
  }
}
