import type { Page } from 'playwright-core';
import { text } from '../_util/catalogue.js';

/** /organise/issues/:id: the cycle, its next step, the tools. */
export class OrganiseIssuePage {
  constructor(readonly page: Page) {}

  async waitUntilShown(): Promise<void> {
    await this.page.getByRole('navigation', { name: text('organise.tools.label'), exact: true }).waitFor();
  }

  async currentPhase(): Promise<string> {
    return (await this.page.locator('.phase-steps li[aria-current="step"]').innerText()).replace(text('phase.current'), '').replace(/^\d+\s*/, '').trim();
  }

  /** The detail line of a tool, e.g. "1 statement waits". */
  async toolDetail(tool: 'moderation' | 'map' | 'line' | 'practice'): Promise<string> {
    return this.page.getByRole('link', { name: new RegExp(`^${text(`organise.tools.${tool}`)}`) }).locator('.tool__detail').innerText();
  }

  async openTool(tool: 'moderation' | 'map' | 'line' | 'practice'): Promise<void> {
    await this.page.getByRole('link', { name: new RegExp(`^${text(`organise.tools.${tool}`)}`) }).click();
  }

  /** Move the cycle on; answers the confirmation shown. */
  async advanceTo(phaseKey: 'concentrate' | 'propagate' | 'test'): Promise<string> {
    await this.page.getByRole('button', { name: text('organise.advance', { phase: text(`phase.${phaseKey}.name`) }), exact: true }).click();
    const notice = this.page.locator('.notice--success .notice__title', { hasText: text('organise.advanced', { phase: text(`phase.${phaseKey}.name`) }) });
    await notice.waitFor();
    return notice.innerText();
  }

  async createAction(title: string, description: string): Promise<string> {
    await this.page.getByLabel(text('organise.actionName'), { exact: true }).fill(title);
    await this.page.getByLabel(text('organise.actionDescription'), { exact: false }).fill(description);
    await this.page.getByRole('button', { name: text('organise.createAction'), exact: true }).click();
    const notice = this.page.locator('.notice--success .notice__title', { hasText: title });
    await notice.waitFor();
    return notice.innerText();
  }
}
