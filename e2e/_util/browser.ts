/** Debian's Chromium, driven by playwright-core (which downloads no browser of its own). */
import fs from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';

export async function launchChromium(): Promise<Browser> {
  if (!fs.existsSync(CHROMIUM)) {
    const where =
      process.env.CI === 'true'
        ? 'CI must install it (.ci/run: apt-get install -y chromium)'
        : 'install it with: apt-get update && apt-get install -y chromium';
    throw new Error(`The browser tests need Chromium at ${CHROMIUM}; ${where}.`);
  }
  // A fresh temporary profile per launch; no background traffic on this machine's closed network.
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-gpu'],
  });
}

export const PHONE = { width: 390, height: 844 } as const;
export const DESKTOP = { width: 1280, height: 800 } as const;
