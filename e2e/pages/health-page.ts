import type { Page } from 'playwright-core';
import { text } from '../_util/catalogue.js';

/** /organise/health: the health plane, each issue's history and forecast. */
export class HealthPage {
  constructor(readonly page: Page) {}

  async waitUntilDrawn(): Promise<void> {
    await this.page.getByRole('heading', { level: 1, name: text('health.title'), exact: true }).waitFor();
    await this.page.locator('.plot--plane svg[role="img"]').waitFor();
    await this.page.locator('.plot--history svg[role="img"]').first().waitFor();
  }

  /** The character shown for an issue (its badge). */
  async character(issueTitle: string): Promise<string> {
    return this.page.locator('.issue-health', { hasText: issueTitle }).locator('h3 .badge--character').innerText();
  }

  /** ℓ and π as shown for an issue. */
  async aspects(issueTitle: string): Promise<{ l: number; pi: number }> {
    const values = await this.page.locator('.issue-health', { hasText: issueTitle }).locator('.figures dd').allInnerTexts();
    return { l: Number(values[0]?.replace(/,/g, '')), pi: Number(values[1]?.replace(/,/g, '')) };
  }

  async forecast(issueTitle: string): Promise<string> {
    return this.page.locator('.issue-health', { hasText: issueTitle }).locator('.forecast').innerText();
  }

  /** Run the what-if for an issue; returns how the projection reads. */
  async whatIf(issueTitle: string, everyWeeks: number, members: number): Promise<string> {
    const card = this.page.locator('.issue-health', { hasText: issueTitle });
    await card.getByLabel(text('health.everyWeeks'), { exact: true }).fill(String(everyWeeks));
    await card.getByLabel(text('health.members'), { exact: true }).fill(String(members));
    await card.getByRole('button', { name: text('health.project'), exact: true }).click();
    const result = card.locator('.what-if__result');
    await result.filter({ hasText: /\S/ }).waitFor();
    await card.getByText(text('health.projectedLegend'), { exact: true }).waitFor();
    return result.innerText();
  }

  /** Opens every "how this was computed" and "how this was forecast", as a reader would, one click each. */
  async openExplanations(): Promise<number> {
    const closed = this.page.locator('details.how:not([open]) > summary');
    let opened = 0;
    while ((await closed.count()) > 0) {
      await closed.first().click();
      opened += 1;
    }
    return opened;
  }

  /** The page's text as it reads on screen (after openExplanations, the explanations too). */
  async visibleText(): Promise<string> {
    return this.page.locator('main').innerText();
  }

  /**
   * Each card of figures (the organisation's and each issue's): its title, ℓ and π as written on it,
   * the explanation in words, the model's notation, and the character's badge (null when none is shown).
   */
  async cards(): Promise<
    { title: string; l: string; pi: string; words: string; notation: string | null; badge: string | null; forecast: string; forecastHow: string | null }[]
  > {
    const cards = this.page.locator('section.card', { has: this.page.locator('.figures') });
    const out = [];
    for (let i = 0; i < (await cards.count()); i++) {
      const card = cards.nth(i);
      const figures = await card.locator('.figures dd').allInnerTexts();
      const notation = card.locator('.how__notation');
      const badge = card.locator('h2 .badge--character, h3 .badge--character');
      const forecastHow = card.locator('.forecast + details.how .forecast__how');
      out.push({
        title: (await card.locator('h2, h3').first().innerText()).trim(),
        l: figures[0] ?? '',
        pi: figures[1] ?? '',
        words: await card.locator('.how__words').innerText(),
        notation: (await notation.count()) ? await notation.innerText() : null,
        badge: (await badge.count()) ? await badge.innerText() : null,
        forecast: await card.locator('.forecast').innerText(),
        forecastHow: (await forecastHow.count()) ? await forecastHow.innerText() : null,
      });
    }
    return out;
  }

  /** Each quality figure of the issues: the value as shown and the explanation beside it. */
  async qualityFigures(): Promise<{ value: string; how: string }[]> {
    const rows = this.page.locator('.quality dd');
    const out = [];
    for (let i = 0; i < (await rows.count()); i++)
      out.push({ value: await rows.nth(i).locator('.quality__value').innerText(), how: await rows.nth(i).locator('.hint').innerText() });
    return out;
  }

  /** The plane's legend: one line per character. */
  async legend(): Promise<string[]> {
    return this.page.locator('#plane-caption .legend li').allInnerTexts();
  }

  /** Every link from a figure to the glossary, with whether its entry is on the page. */
  async glossaryLinks(): Promise<{ text: string; href: string; found: boolean }[]> {
    const links = this.page.locator('a.glossary-link');
    const out = [];
    for (let i = 0; i < (await links.count()); i++) {
      const href = (await links.nth(i).getAttribute('href')) ?? '';
      const found = href.startsWith('#') && (await this.page.locator(`[id="${href.slice(1)}"]`).count()) === 1;
      out.push({ text: await links.nth(i).innerText(), href, found });
    }
    return out;
  }

  /** Dots on the plane: the organisation and each issue. */
  async dots(): Promise<number> {
    return this.page.locator('.plot--plane svg [fill] > path, .plot--plane svg circle').count();
  }
}
