import type { Page } from 'playwright-core';
import { text } from '../_util/catalogue.js';

/** /organise/issues/:id/line */
export class LineEditorPage {
  constructor(readonly page: Page) {}

  async waitUntilShown(): Promise<void> {
    await this.page.getByRole('heading', { level: 1, name: text('editor.title'), exact: true }).waitFor();
  }

  async writeClaim(number: number, claim: string): Promise<void> {
    await this.page.getByLabel(text('editor.claimLabel', { number }), { exact: true }).fill(claim);
  }

  /** Open the claim's basis and cite the consensus statements at the given positions; returns their texts. */
  async citeConsensus(number: number, positions: number[]): Promise<string[]> {
    const claim = this.page.locator('.claim-editor > li').nth(number - 1);
    await claim.locator('details.basis summary').click();
    const consensus = claim.getByRole('group', { name: text('editor.fromConsensus'), exact: true });
    const cited: string[] = [];
    for (const i of positions) {
      const option = consensus.locator('li').nth(i);
      await option.getByRole('checkbox').check();
      cited.push((await option.locator('label').innerText()).split(' — ')[0] ?? '');
    }
    return cited;
  }

  /** The consensus statements the claim's basis offers, by their texts, in the page's order. */
  async consensusOffered(number: number): Promise<string[]> {
    const claim = this.page.locator('.claim-editor > li').nth(number - 1);
    const basis = claim.locator('details.basis');
    if ((await basis.getAttribute('open')) === null) await basis.locator('summary').click();
    const labels = await claim
      .getByRole('group', { name: text('editor.fromConsensus'), exact: true })
      .locator('li label')
      .allInnerTexts();
    // A label reads "<statement> — <figure>"; the figure may start a line of its own.
    return labels.map((label) => (label.split(/\s+— /)[0] ?? '').trim());
  }

  /** Find any accepted statement by its words and cite it. */
  async citeStatement(number: number, statement: string): Promise<void> {
    const claim = this.page.locator('.claim-editor > li').nth(number - 1);
    await claim.getByLabel(text('editor.find', { number }), { exact: true }).fill(statement.split(' ').slice(0, 4).join(' '));
    await claim
      .getByRole('group', { name: text('editor.fromAny'), exact: true })
      .getByRole('checkbox', { name: statement, exact: true })
      .check();
  }

  async grounding(): Promise<string> {
    return this.page.locator('p.meta[role="status"]').innerText();
  }

  async save(): Promise<string> {
    await this.page.getByRole('button', { name: text('editor.save'), exact: true }).click();
    return this.notice('editor.saved');
  }

  async publish(): Promise<string> {
    await this.page.getByRole('button', { name: text('editor.publish'), exact: true }).click();
    return this.notice('editor.published');
  }

  /** The confirmation the editor shows for `key` (any version number). */
  private async notice(key: string): Promise<string> {
    const [before, after] = text(key, { number: '\u0000' }).split('\u0000');
    const escape = (s = '') => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    const n = this.page.locator('.notice--success .notice__title', { hasText: new RegExp(`^${escape(before)}\\d+${escape(after)}$`) });
    await n.waitFor();
    return n.innerText();
  }
}
