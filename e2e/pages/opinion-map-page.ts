import type { Page } from 'playwright-core';
import { text } from '../_util/catalogue.js';

/** /organise/issues/:id/map */
export class OpinionMapPage {
  constructor(readonly page: Page) {}

  /** Wait for the map itself (an image with its label) and the charts of the statements. */
  async waitUntilDrawn(): Promise<void> {
    await this.page.locator('.plot--map svg[role="img"]').waitFor();
    await this.page.locator('.plot--bars svg').first().waitFor();
  }

  /** The number of members drawn as dots. */
  async dots(): Promise<number> {
    return this.page.locator('.plot--map svg circle').count();
  }

  /** The legend's lines: one per group, then the members not in a group. */
  async legend(): Promise<string[]> {
    return this.page.locator('figcaption .legend li').allInnerTexts();
  }

  /** The consensus statements' texts, in the page's order. */
  async consensus(): Promise<string[]> {
    return this.page.locator('section[aria-labelledby="consensus-heading"] .finding__text').allInnerTexts();
  }

  /** How each consensus statement is described ("Every group agrees: at least 66% of each"). */
  async consensusFigures(): Promise<string[]> {
    return this.page.locator('section[aria-labelledby="consensus-heading"] .finding__figure').allInnerTexts();
  }

  /** The divisive statements' texts, in the page's order. */
  async divisive(): Promise<string[]> {
    return this.page.locator('section[aria-labelledby="divisive-heading"] .finding__text').allInnerTexts();
  }

  async heading(): Promise<string> {
    return this.page.getByRole('heading', { level: 1, name: text('map.title'), exact: true }).innerText();
  }
}
