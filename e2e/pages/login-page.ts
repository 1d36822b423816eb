import type { Page } from 'playwright-core';
import { text } from '../_util/catalogue.js';

/** /login */
export class LoginPage {
  constructor(readonly page: Page) {}

  async logIn(organisation: string, email: string, password: string): Promise<void> {
    await this.page.getByLabel(text('login.organisation'), { exact: true }).fill(organisation);
    await this.page.getByLabel(text('login.email'), { exact: true }).fill(email);
    await this.page.getByLabel(text('login.password'), { exact: true }).fill(password);
    await this.page.getByRole('button', { name: text('login.submit'), exact: true }).click();
  }
}
