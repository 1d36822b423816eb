import type { Page } from 'playwright-core';
import { text } from '../_util/catalogue.js';

/** /issues/:id for a member: the phase and the member's next steps. */
export class IssuePage {
  constructor(readonly page: Page) {}

  async waitUntilShown(): Promise<void> {
    await this.page.getByRole('navigation', { name: text('issue.whatYouCanDo'), exact: true }).waitFor();
  }

  /** The phase marked as current in the cycle's steps. */
  async currentPhase(): Promise<string> {
    const current = this.page.locator('.phase-steps li[aria-current="step"]');
    return (await current.innerText())
      .replace(text('phase.current'), '')
      .replace(/^\d+\s*/, '')
      .trim();
  }

  /** A figure of the issue by its label, as a number. */
  async figure(labelKey: string): Promise<number> {
    // By the exact label: "Votes" is also part of "My votes".
    const figure = this.page.locator('.figures div').filter({ has: this.page.locator('dt').getByText(text(labelKey), { exact: true }) });
    const value = await figure.locator('dd').innerText();
    return Number(value.replace(/[^\d]/g, ''));
  }

  /** Wait until the page follows changes live (the header's mark says so). */
  async waitUntilLive(): Promise<void> {
    await this.page.locator('.site-header .live-status', { hasText: text('live.live') }).waitFor();
  }

  /** The issue's id, from the address. */
  issueId(): string {
    const id = /\/issues\/([^/?#]+)/.exec(this.page.url())?.[1];
    if (!id) throw new Error(`not an issue page: ${this.page.url()}`);
    return id;
  }

  /** The button by which a member marks the issue as mattering to them (pressed once marked). */
  importanceButton() {
    return this.page.getByRole('button', { name: text('issue.importance.mark'), exact: true });
  }

  /** Mark the issue important, or take the mark back; waits until the page shows the new state. */
  async setImportant(important: boolean): Promise<void> {
    const button = this.importanceButton();
    await button.waitFor();
    if ((await button.getAttribute('aria-pressed')) !== String(important)) await button.click();
    await this.page.locator(`button[aria-pressed="${String(important)}"]`, { hasText: text('issue.importance.mark') }).waitFor();
  }

  async go(step: 'vote' | 'write' | 'line' | 'practice'): Promise<void> {
    await this.page.getByRole('link', { name: text(`issue.step.${step}`), exact: true }).click();
  }
}
