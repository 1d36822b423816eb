import type { Page } from 'playwright-core';
import { text } from '../_util/catalogue.js';

/** /organise/members: members and invite links. */
export class MembersPage {
  constructor(readonly page: Page) {}

  async waitUntilShown(): Promise<void> {
    await this.page.getByRole('heading', { level: 1, name: text('members.title'), exact: true }).waitFor();
    await this.page.getByRole('table', { name: text('members.membersTitle'), exact: true }).waitFor();
  }

  /** "1–50 of 1,923" → 1923. */
  async total(): Promise<number> {
    const line = await this.page.locator('section[aria-labelledby="members-heading"] .meta').innerText();
    return Number((line.split(/\s/).pop() ?? '').replace(/[^\d]/g, ''));
  }

  async memberNames(): Promise<string[]> {
    return this.page
      .getByRole('table', { name: text('members.membersTitle'), exact: true })
      .locator('tbody th')
      .allInnerTexts();
  }

  async createInvite(maxUses: number, constituency?: string): Promise<string> {
    await this.page.getByLabel(text('members.maxUses'), { exact: true }).fill(String(maxUses));
    if (constituency) await this.page.getByRole('textbox', { name: new RegExp(`^${text('join.constituency')}`) }).fill(constituency);
    await this.page.getByRole('button', { name: text('members.createInvite'), exact: true }).click();
    const link = this.page.getByTestId('invite-link');
    await link.waitFor();
    return link.inputValue();
  }
}
