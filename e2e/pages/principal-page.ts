import type { Page } from 'playwright-core';
import { text } from '../_util/catalogue.js';

/** /organise/principal: the ranking with reasons, and the united front. */
export class PrincipalPage {
  constructor(readonly page: Page) {}

  async waitUntilShown(): Promise<void> {
    await this.page.getByRole('heading', { level: 2, name: text('principal.rankingTitle'), exact: true }).waitFor();
    await this.page.getByRole('heading', { level: 3, name: text('principal.setAside'), exact: true }).waitFor();
  }

  /** The principal issue's title and its reasons. */
  async principal(): Promise<{ title: string; reasons: string[] }> {
    const item = this.page.locator('.ranking__item.is-principal');
    return { title: await item.locator('h3 a').innerText(), reasons: await item.locator('.reasons li').allInnerTexts() };
  }

  /** The ranked issues' titles, first to last. */
  async ranking(): Promise<string[]> {
    return this.page.locator('.ranking__item h3 a').allInnerTexts();
  }

  /** Each ranked issue's title and reasons, first to last. */
  async items(): Promise<{ title: string; reasons: string[] }[]> {
    const items = this.page.locator('.ranking__item');
    const out: { title: string; reasons: string[] }[] = [];
    for (let i = 0; i < (await items.count()); i++) {
      const item = items.nth(i);
      out.push({ title: await item.locator('h3 a').innerText(), reasons: await item.locator('.reasons li').allInnerTexts() });
    }
    return out;
  }

  /** Everything the page says, as a person reads it. */
  async text(): Promise<string> {
    return this.page.locator('main').innerText();
  }

  async bloc(): Promise<string[]> {
    return this.page.locator('section[aria-labelledby="bloc-heading"] li').allInnerTexts();
  }

  async setAside(): Promise<number> {
    return this.page.locator('section[aria-labelledby="front-heading"] .plain-list > li').count();
  }
}
