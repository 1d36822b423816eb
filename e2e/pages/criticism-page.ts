import type { Locator, Page } from 'playwright-core';
import { text } from '../_util/catalogue.js';

/** /criticism: criticise the leadership anonymously, keep the receipt, read the published criticism and the answers. */
export class CriticismPage {
  constructor(readonly page: Page) {}

  async waitUntilShown(): Promise<void> {
    await this.page.getByRole('heading', { level: 1, name: text('criticism.title'), exact: true }).waitFor();
    await this.page.getByRole('heading', { level: 2, name: text('criticism.published.title'), exact: true }).waitFor();
  }

  /** The wallet's line once the background fetch is over ("You hold 5 tokens: …"). */
  async walletLine(): Promise<string> {
    const line = this.page.locator('.wallet-state [role="status"]');
    const fetching = text('criticism.wallet.fetching');
    await this.page.waitForFunction(
      (busy) => {
        const el = (globalThis as unknown as { document: { querySelector(s: string): { textContent: string | null } | null } }).document.querySelector(
          '.wallet-state [role="status"]',
        );
        return !!el?.textContent && el.textContent !== busy;
      },
      fetching,
      { timeout: 60_000 },
    );
    return line.innerText();
  }

  /** Criticise the leadership, sent at once; returns the success notice's title and the receipt's number. */
  async criticiseLeadership(words: string): Promise<{ title: string; receiptId: string; hashLine: string }> {
    await this.page.getByRole('radio', { name: text('criticism.form.kind.leadership'), exact: true }).check();
    await this.page.getByLabel(text('criticism.form.text'), { exact: true }).fill(words);
    await this.page.getByRole('radio', { name: text('criticism.form.when.now'), exact: true }).check();
    await this.page.getByRole('button', { name: text('criticism.form.submit'), exact: true }).click();
    const notice = this.page.locator('.notice--success');
    await notice.waitFor();
    return {
      title: await notice.locator('.notice__title').innerText(),
      receiptId: await notice.getByTestId('receipt-id').innerText(),
      hashLine: await notice.getByText(text('criticism.sent.hashMatches'), { exact: true }).or(notice.locator('.verdict--mismatch')).innerText(),
    };
  }

  /** Criticise the leadership at a random moment before the cut-off (the form's default); returns the notice's title. */
  async scheduleLeadership(words: string): Promise<string> {
    await this.page.getByRole('radio', { name: text('criticism.form.kind.leadership'), exact: true }).check();
    await this.page.getByLabel(text('criticism.form.text'), { exact: true }).fill(words);
    await this.page.locator('input[type="radio"][value="later"]').check();
    await this.page.getByRole('button', { name: text('criticism.form.submit'), exact: true }).click();
    const notice = this.page.locator('.notice--success');
    await notice.waitFor();
    return notice.locator('.notice__title').innerText();
  }

  /** The excerpts of the criticism waiting in this browser for its moment. */
  async waitingToBeSent(): Promise<string[]> {
    return this.page.getByTestId('outbox-item').locator('q').allInnerTexts();
  }

  /** The key-transparency warning, once the wallet's check is over ('' when there is none). */
  async keyWarning(): Promise<string> {
    await this.walletLine();
    const warning = this.page.getByTestId('key-refused');
    return (await warning.count()) ? warning.innerText() : '';
  }

  /** The fingerprint of this week's key as the page shows it, without its spaces ('' when none is shown). */
  async fingerprint(): Promise<string> {
    await this.walletLine();
    const shown = this.page.getByTestId('key-fingerprint');
    return (await shown.count()) ? (await shown.innerText()).replace(/\s+/g, '') : '';
  }

  private receipts(): Locator {
    return this.page.getByRole('list', { name: text('criticism.receipts.title'), exact: true });
  }

  /** The receipts kept in this browser, by their receipt numbers. */
  async receiptIds(): Promise<string[]> {
    return this.receipts().getByTestId('receipt-id').allInnerTexts();
  }

  /** Press "Check" on a receipt and read the verdict. */
  async check(receiptId: string): Promise<string> {
    const item = this.receipts()
      .getByRole('listitem')
      .filter({ has: this.page.getByTestId('receipt-id').getByText(receiptId, { exact: true }) });
    await item.getByRole('button', { name: text('criticism.receipts.check'), exact: true }).click();
    const verdict = item.locator('.verdict');
    await verdict.waitFor();
    return verdict.innerText();
  }

  private published(): Locator {
    return this.page.getByRole('list', { name: text('criticism.published.title'), exact: true });
  }

  async publishedTexts(): Promise<string[]> {
    await this.page.locator('.criticism-figures').waitFor();
    return this.published().locator('.criticism__text').allInnerTexts();
  }

  private item(words: string): Locator {
    return this.published()
      .getByRole('listitem')
      .filter({ has: this.page.locator('.criticism__text', { hasText: words }) })
      .first();
  }

  /** The answers under a published criticism: each answer's text and its "name (role), date" line. */
  async answers(words: string): Promise<{ text: string; by: string }[]> {
    const answers = this.item(words).locator('.answer');
    const out: { text: string; by: string }[] = [];
    for (let i = 0; i < (await answers.count()); i++) {
      out.push({ text: await answers.nth(i).locator('.answer__text').innerText(), by: await answers.nth(i).locator('.meta').innerText() });
    }
    return out;
  }

  /** Second a criticism; returns the seconds line after the server answered. */
  async second(words: string): Promise<string> {
    const item = this.item(words);
    await item.getByRole('button', { name: text('criticism.item.second'), exact: true }).click();
    await item.getByRole('button', { name: text('criticism.item.withdraw'), exact: true }).waitFor();
    return item.locator('.criticism__seconds > span').innerText();
  }

  async secondsLine(words: string): Promise<string> {
    return this.item(words).locator('.criticism__seconds > span').innerText();
  }

  /** A figure of the bureaucracy figures by its term. */
  async figure(key: string): Promise<string> {
    return this.page
      .locator('.criticism-figures > div', { has: this.page.locator('dt').getByText(text(key), { exact: true }) })
      .locator('dd')
      .innerText();
  }
}
