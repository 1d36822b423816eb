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

  /** Dots on the plane: the organisation and each issue. */
  async dots(): Promise<number> {
    return this.page.locator('.plot--plane svg [fill] > path, .plot--plane svg circle').count();
  }
}
