import type { Page } from 'playwright-core';
import { text } from '../_util/catalogue.js';

export interface ReportInput {
  action?: string;
  whatDone: string;
  whatHappened: string;
  claim?: string;
  verdict?: 'confirms' | 'refutes' | 'mixed';
}

/** /issues/:id/practice: actions, the report form, the reports. */
export class PracticePage {
  constructor(readonly page: Page) {}

  async waitUntilShown(): Promise<void> {
    await this.page.getByRole('heading', { name: text('practice.fileTitle'), exact: true }).waitFor();
  }

  async actions(): Promise<string[]> {
    return this.page.locator('section[aria-labelledby="actions-heading"] h3').allInnerTexts();
  }

  /** Take part in an action; answers what the card then says of who takes part. */
  async takePart(action: string): Promise<string> {
    const card = this.page
      .locator('section[aria-labelledby="actions-heading"] li')
      .filter({ has: this.page.getByRole('heading', { name: action, exact: true }) });
    await card.getByRole('button', { name: text('practice.join'), exact: true }).click();
    await card.getByRole('button', { name: text('practice.leave'), exact: true }).waitFor();
    return card.locator('.take-part .meta').innerText();
  }

  async file(report: ReportInput): Promise<string> {
    if (report.action) await this.page.getByLabel(text('practice.action'), { exact: true }).selectOption({ label: report.action });
    await this.page.getByLabel(text('practice.whatDone'), { exact: true }).fill(report.whatDone);
    await this.page.getByLabel(text('practice.whatHappened'), { exact: true }).fill(report.whatHappened);
    if (report.claim) await this.page.getByLabel(text('practice.claim'), { exact: true }).selectOption({ label: report.claim });
    if (report.verdict) await this.page.getByRole('radio', { name: text(`practice.verdicts.${report.verdict}`), exact: true }).check();
    await this.page.getByRole('button', { name: text('practice.submit'), exact: true }).click();
    const notice = this.page.locator('.notice--success .notice__title');
    await notice.waitFor();
    return notice.innerText();
  }

  /** The "what happened" of each listed report, newest first. */
  async reports(): Promise<string[]> {
    return this.page.locator('.report .report__body dd:nth-of-type(2)').allInnerTexts();
  }
}
