/**
 * Debian's Chromium for the browser tests, driven by playwright-core (no browser downloads). Without the
 * background-networking flags Chromium keeps trying Google's hosts, which this closed network refuses.
 */
import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';

export function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM))
    throw new Error('Debian chromium is needed at /usr/bin/chromium: `apt-get install -y chromium` (.ci/run does this)');
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
}
