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
    return (await current.innerText()).replace(text('phase.current'), '').replace(/^\d+\s*/, '').trim();
  }

  /** A figure of the issue by its label, as a number. */
  async figure(labelKey: string): Promise<number> {
    const value = await this.page.locator('.figures div', { hasText: text(labelKey) }).locator('dd').innerText();
    return Number(value.replace(/[^\d]/g, ''));
  }

  async go(step: 'vote' | 'write' | 'line' | 'practice'): Promise<void> {
    await this.page.getByRole('link', { name: text(`issue.step.${step}`), exact: true }).click();
  }
}
