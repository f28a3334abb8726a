// Lighthouse (mobile, its default simulated slow 4G and 4x slower CPU) on the phone's two views:
// the intro of a walk, as a new phone opens the link, and the map view of a phone that has joined,
// loaded cold (its token kept, but no service worker, no cached files). Called by lighthouse.py:
//   node flow.mjs <walk page URL> <result.json>
import {writeFileSync} from 'node:fs';
import {startFlow} from 'lighthouse';
import puppeteer from 'puppeteer-core';

const [url, out] = process.argv.slice(2);
const browser = await puppeteer.launch({
  executablePath: process.env.CHROME_PATH || '/usr/bin/chromium',
  headless: true,
  args: ['--no-sandbox'],
});
try {
  const page = await browser.newPage();
  const flow = await startFlow(page, {name: 'Trygghetsvandring on a phone'});
  await flow.navigate(url, {name: 'intro'});

  await page.click('#start');  // "Kom igång": joins, and the map opens in the same page
  await page.waitForSelector('.leaflet-tile-loaded', {timeout: 30000});
  await page.evaluate(async () => {
    for (const registration of await navigator.serviceWorker.getRegistrations()) await registration.unregister();
    for (const name of await caches.keys()) await caches.delete(name);
  });
  const cdp = await page.createCDPSession();
  await cdp.send('Network.clearBrowserCache');
  await flow.navigate(url, {name: 'map', disableStorageReset: true});

  const result = await flow.createFlowResult();
  const metric = (lhr, id) => lhr.audits[id]?.numericValue ?? null;
  writeFileSync(out, JSON.stringify(result.steps.map(({name, lhr}) => ({
    name,
    score: lhr.categories.performance.score,
    fcp_ms: metric(lhr, 'first-contentful-paint'),
    lcp_ms: metric(lhr, 'largest-contentful-paint'),
    tbt_ms: metric(lhr, 'total-blocking-time'),
    cls: metric(lhr, 'cumulative-layout-shift'),
    si_ms: metric(lhr, 'speed-index'),
    bytes: metric(lhr, 'total-byte-weight'),
    requests: lhr.audits['network-requests']?.details?.items?.length ?? null,
    warnings: lhr.runWarnings,
  })), null, 1));
} finally {
  await browser.close();
}
