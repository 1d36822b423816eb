/**
 * The health page read as a person would (issue 13, acceptance 6): an organiser opens an issue,
 * then reads the health of the lines with every explanation open. No statement id, no formula as
 * the only explanation, no figure that differs between a card and its explanation, plain words
 * beside each character, the forecast as a day with its range, and no verdict on the new issue.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { audit, auditLog, describeViolations, type AuditLog } from './_util/audit.js';
import { DESKTOP, launchChromium } from './_util/browser.js';
import { text } from './_util/catalogue.js';
import { ensurePagesBuilt, startDemoServer, type DemoServer } from './_util/server.js';
import { HealthPage } from './pages/health-page.js';
import { LoginPage } from './pages/login-page.js';
import { OrganiseIssuesPage } from './pages/organise-issues-page.js';

const NEW_ISSUE = 'Should the night shift get its own rota meeting?';
const characters = ['correct', 'left-communist', 'empiricist', 'fool'] as const;
/** How each character reads on the page: plain words first, the essay's term second. */
const labels = characters.map((c) => text(`health.character.${c}`));
/** A formula in the model's notation: "π =", "ℓ =", "P₀ =", "L/L₀", "π/ℓ". */
const FORMULA = /[ℓπβ]\s*=|\b[LP][₀]?\s*=|[ℓπ]\s*\/\s*[ℓπ]|\bL\s*\/\s*L₀|\bP\s*\/\s*P₀/;
/** A day as the page writes it for en-GB ("13 Oct 2026"); an hour ("14:00") is never part of the forecast. */
const DAY = /\d{1,2} [A-Z][a-z]{2,3} \d{4}/;
const HOUR = /\d{1,2}:\d{2}/;

/** A 16-character base64url token that mixes digits or cases the way ids do, not the way words do. */
function statementIds(visible: string): string[] {
  return (visible.match(/(?<![A-Za-z0-9_-])[A-Za-z0-9_-]{16}(?![A-Za-z0-9_-])/g) ?? []).filter(
    (token) => /\d/.test(token) || /[a-z].*[A-Z]/.test(token) || /[_-]/.test(token),
  );
}

describe('the health page in plain words', () => {
  let demo: DemoServer;
  let browser: Browser;
  let organiser: BrowserContext;
  let o: Page;
  let health: HealthPage;
  const log: AuditLog = auditLog();

  beforeAll(async () => {
    ensurePagesBuilt();
    [demo, browser] = await Promise.all([startDemoServer(), launchChromium()]);
    organiser = await browser.newContext({ viewport: DESKTOP, locale: 'en-GB', bypassCSP: true });
    o = await organiser.newPage();
    o.on('pageerror', (e) => console.error(`page error: ${e.message}`));
    await o.goto(`${demo.url}/login`);
    await new LoginPage(o).logIn(demo.organiser.organisation, demo.organiser.email, demo.organiser.password);
    await new OrganiseIssuesPage(o).waitUntilShown();
    // A new issue, opened seconds before the page is read: its first gathering.
    await o.getByLabel(text('organise.issueTitle'), { exact: true }).fill(NEW_ISSUE);
    await o.getByRole('button', { name: text('organise.open'), exact: true }).click();
    await o.getByText(NEW_ISSUE).first().waitFor();
    await o.goto(`${demo.url}/organise/health`);
    health = new HealthPage(o);
    await health.waitUntilDrawn();
    expect(await health.openExplanations()).toBeGreaterThan(2);
  }, 300_000);

  afterAll(async () => {
    await browser?.close();
    await demo?.stop();
  });

  it('shows no statement id', async () => {
    expect(statementIds(await health.visibleText())).toEqual([]);
  });

  it('explains every figure in words, the notation only beside them', async () => {
    const cards = await health.cards();
    expect(cards.length).toBeGreaterThan(2);
    for (const card of cards) {
      expect(card.words, card.title).toMatch(/^Logic .+ Practice /);
      expect(card.words, card.title).not.toMatch(FORMULA);
      expect(card.forecast, card.title).not.toMatch(FORMULA);
      if (card.forecastHow !== null) expect(card.forecastHow, card.title).not.toMatch(FORMULA);
    }
    // With the notation's lines taken out, the page holds no formula.
    const notation = cards.flatMap((c) => (c.notation ? [c.notation] : []));
    let visible = await health.visibleText();
    for (const n of notation) visible = visible.replace(n, '');
    expect(visible.split('\n').filter((line) => FORMULA.test(line))).toEqual([]);
  });

  it('writes each figure the same on its card and in its explanation', async () => {
    for (const card of await health.cards()) {
      expect(card.words, card.title).toContain(`Logic ${card.l}:`);
      expect(card.words, card.title).toContain(`Practice ${card.pi}:`);
      if (card.notation !== null) {
        expect(card.notation, card.title).toMatch(new RegExp(`ℓ = [^;]*= ${card.l.replace('.', '\\.')};`));
        expect(card.notation, card.title).toMatch(new RegExp(`π = [^;]*= ${card.pi.replace('.', '\\.')};`));
      }
      // A figure above zero is never written as 0.
      if (card.pi === '0') expect(card.words).toMatch(/Practice 0: 0 /);
    }
    const quality = await health.qualityFigures();
    expect(quality.length).toBeGreaterThan(0);
    for (const q of quality) if (q.value !== '—') expect(q.how).toContain(q.value);
  });

  it('puts plain words beside each character, and links each figure to the glossary', async () => {
    for (const card of await health.cards()) if (card.badge !== null) expect(labels, card.title).toContain(card.badge);
    const legend = await health.legend();
    expect(legend).toHaveLength(4);
    for (const label of labels) expect(legend.filter((line) => line.startsWith(`${label}: `))).toHaveLength(1);
    for (const label of labels) expect(label).toMatch(/^[a-z ]+ \((correct|left-communist|empiricist|fool)\)$/);
    const links = await health.glossaryLinks();
    expect(links.filter((l) => !l.found)).toEqual([]);
    const linked = new Set(links.map((l) => l.href));
    for (const entry of ['pureLogic', 'l', 'L0', 'practice', 'pi', 'P0', 'beta', 'halfLife', 'forecast', 'firstGathering', ...characters])
      expect(linked).toContain(`#glossary-${entry}`);
  });

  it('gives the forecast as a day with its range, never an hour', async () => {
    const cards = await health.cards();
    const ahead = cards.filter((c) => c.forecast.startsWith(text('health.consultBy', { at: '' }).trim()));
    expect(ahead.length).toBeGreaterThan(0);
    for (const card of ahead) {
      expect(card.forecast, card.title).toMatch(
        new RegExp(`^Consult by ${DAY.source} \\((between ${DAY.source} and ${DAY.source}|from ${DAY.source} on), as practice halves every 90 to 365 days\\)`),
      );
      expect(card.forecastHow, card.title).toMatch(/^Now .+ Were practice to halve every 90 days/);
    }
    for (const card of cards) {
      expect(card.forecast, card.title).not.toMatch(HOUR);
      if (card.forecastHow !== null) expect(card.forecastHow, card.title).not.toMatch(HOUR);
    }
  });

  it('gives no verdict on an issue in its first gathering, only what it lacks', async () => {
    const card = (await health.cards()).find((c) => c.title.startsWith(NEW_ISSUE));
    expect(card).toBeDefined();
    expect(card?.badge).toBeNull();
    expect(card?.title).toContain(text('health.noLineYet'));
    expect(card?.forecast).toBe(text('health.gathering', { count: 0 }));
    expect(card?.words).toMatch(/^Logic 0: 0 claims, where 3 suffice\. Practice 0: 0 from 0 members, where [\d.]+ suffice\.$/);
    expect(card?.notation).toBeNull();
    expect(await health.visibleText()).toContain(text('health.gatheringNotOnPlane'));
  });

  it('passes axe', async () => {
    const bad = await audit(log, o, 'health-plain');
    expect(bad, describeViolations(bad)).toEqual([]);
  });

  it('has the glossary on a page of its own too, for links from elsewhere', async () => {
    await o.goto(`${demo.url}/glossary#glossary-pi`);
    await o.getByRole('heading', { level: 1, name: text('glossary.title'), exact: true }).waitFor();
    expect(await o.locator('#glossary-pi dt').innerText()).toBe(text('glossary.entries.pi.term'));
    expect(await o.locator('#glossary-left-communist dt').innerText()).toBe(text('glossary.entries.left-communist.term'));
    const bad = await audit(log, o, 'glossary');
    expect(bad, describeViolations(bad)).toEqual([]);
  });
});
