/** The Chromium adapter of PageBrowser runs the shared conformance suite against Debian's Chromium. */
import { describePageBrowser } from '../../../../test/conformance/page-browser.ts';
import { CHROMIUM } from '../../../../test/support/chromium.ts';
import { createPlaywrightBrowser } from './playwright-browser.ts';

describePageBrowser('playwright-core over Debian Chromium', () => createPlaywrightBrowser({ executablePath: CHROMIUM }));
