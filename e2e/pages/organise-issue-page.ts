import type { Page } from 'playwright-core';
import { text } from '../_util/catalogue.js';

/** /organise/issues/:id: the cycle, its next step, the tools. */
export class OrganiseIssuePage {
  constructor(readonly page: Page) {}

  async waitUntilShown(): Promise<void> {
    await this.page.getByRole('navigation', { name: text('organise.tools.label'), exact: true }).waitFor();
  }

  async currentPhase(): Promise<string> {
    return (await this.page.locator('.phase-steps li[aria-current="step"]').innerText())
      .replace(text('phase.current'), '')
      .replace(/^\d+\s*/, '')
      .trim();
  }

  /** The detail line of a tool, e.g. "1 statement waits". */
  async toolDetail(tool: 'moderation' | 'map' | 'line' | 'practice'): Promise<string> {
    return this.page
      .getByRole('link', { name: new RegExp(`^${text(`organise.tools.${tool}`)}`) })
      .locator('.tool__detail')
      .innerText();
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

  /** The section where the organiser marks which open issues must wait for this one. */
  blocking() {
    return this.page.locator('section').filter({ has: this.page.getByRole('heading', { level: 2, name: text('organise.blocking.title'), exact: true }) });
  }

  /** Mark that this issue must be resolved before the open issue titled `title`. */
  async markBlocks(title: string): Promise<void> {
    const section = this.blocking();
    await section.getByLabel(text('organise.blocking.choose'), { exact: true }).selectOption({ label: title });
    await section.getByRole('button', { name: text('organise.blocking.mark'), exact: true }).click();
    await section.getByRole('button', { name: text('organise.blocking.unmark', { title }), exact: true }).waitFor();
  }

  /** Take back the mark that this issue must be resolved before `title`. */
  async unmarkBlocks(title: string): Promise<void> {
    const button = this.blocking().getByRole('button', { name: text('organise.blocking.unmark', { title }), exact: true });
    await button.click();
    await button.waitFor({ state: 'detached' });
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
