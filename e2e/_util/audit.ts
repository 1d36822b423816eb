/**
 * Every page the walk visits is checked with axe-core and photographed at phone and desktop
 * width. Serious and critical violations fail the walk; the rest are counted for the report.
 */
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';
import { DESKTOP, PHONE } from './browser.js';
import { repoRoot } from '../../test/_util/server-process.js';

const axeSource = createRequire(import.meta.url).resolve('axe-core/axe.min.js');

export interface AxeViolation {
  id: string;
  impact: 'minor' | 'moderate' | 'serious' | 'critical' | null;
  help: string;
  nodes: { target: string[]; failureSummary?: string }[];
}

export interface AuditLog {
  dir: string;
  pages: { name: string; violations: AxeViolation[] }[];
  screenshots: string[];
}

export function auditLog(): AuditLog {
  const dir = path.join(repoRoot, '.tmp', 'screenshots');
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  return { dir, pages: [], screenshots: [] };
}

/** Axe at each width (the layout differs), then a full-page screenshot at each; the page's own viewport is restored. */
export async function audit(log: AuditLog, page: Page, name: string): Promise<AxeViolation[]> {
  const original = page.viewportSize();
  const found: AxeViolation[] = [];
  for (const [label, size] of [
    ['phone', PHONE],
    ['desktop', DESKTOP],
  ] as const) {
    await page.setViewportSize(size);
    await settle(page);
    for (const v of await runAxe(page)) if (!found.some((f) => f.id === v.id)) found.push(v);
    const file = path.join(log.dir, `${String(log.pages.length + 1).padStart(2, '0')}-${name}-${label}.png`);
    await page.screenshot({ path: file, fullPage: true });
    log.screenshots.push(file);
  }
  if (original) await page.setViewportSize(original);
  log.pages.push({ name, violations: found });
  return found.filter((v) => v.impact === 'serious' || v.impact === 'critical');
}

async function runAxe(page: Page): Promise<AxeViolation[]> {
  const loaded = await page.evaluate(() => 'axe' in globalThis);
  if (!loaded) await page.addScriptTag({ path: axeSource });
  return page.evaluate(async () => {
    const axe = (globalThis as unknown as { axe: { run(context: unknown, options: unknown): Promise<{ violations: AxeViolation[] }> } }).axe;
    const result = await axe.run((globalThis as unknown as { document: unknown }).document, { resultTypes: ['violations'] });
    return result.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      nodes: v.nodes.slice(0, 3).map((n) => ({ target: n.target, failureSummary: n.failureSummary })),
    }));
  });
}

/** Let resize observers redraw the charts and fonts settle before a check or a picture. */
async function settle(page: Page): Promise<void> {
  await page.evaluate(
    () =>
      new Promise<void>((resolve) => {
        const raf = (globalThis as unknown as { requestAnimationFrame(cb: () => void): void }).requestAnimationFrame;
        raf(() => raf(() => resolve()));
      }),
  );
  await page.waitForTimeout(150);
}

/** A readable line per violation, for an assertion message. */
export function describeViolations(violations: AxeViolation[]): string {
  return violations.map((v) => `${v.impact} ${v.id}: ${v.help} at ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`).join('\n');
}
