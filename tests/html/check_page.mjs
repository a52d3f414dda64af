// The HTML report in a real browser: loads the page from file:// in Debian's Chromium and checks
// it against what tests/html/fixture.js is known to do (a growing packet log: packets kept by
// their headers; a steady cache), then writes screenshots at a laptop's and a phone's size.
// Usage: node check_page.mjs <report.html> <output dir> <packet line> <header line> <cache line>
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';

const [page_path, output_dir, packetLine, headerLine, cacheLine] = process.argv.slice(2);
const packet = `fixture.js:${packetLine}`;
const header = `fixture.js:${headerLine}`;
const cache = `fixture.js:${cacheLine}`;
const url = pathToFileURL(resolve(page_path)).href;
mkdirSync(output_dir, { recursive: true });

const profile = mkdtempSync(join(tmpdir(), 'html-test-profile-'));
// A fresh profile each run (Playwright passes it to Chromium as --user-data-dir).
const browser = await chromium.launchPersistentContext(profile, {
  executablePath: '/usr/bin/chromium',
  viewport: { width: 1280, height: 800 },
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
         '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
let failures = 0;
let passes = 0;
async function check(name, body) {
  try {
    await body();
    passes++;
    console.log(`ok - ${name}`);
  } catch (error) {
    failures++;
    console.log(`not ok - ${name}\n  ${String(error.stack || error).replace(/\n/g, '\n  ')}`);
  }
}

try {
  const page = browser.pages()[0] ?? await browser.newPage();
  const problems = [];
  page.on('console', (message) => { if (message.type() === 'error') problems.push(`console: ${message.text()}`); });
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('request', (request) => { if (request.url() !== url) problems.push(`request: ${request.url()}`); });
  await page.goto(url, { waitUntil: 'load' });

  // The table's rows by their site label: [label, kind, growth text].
  const rows = () => page.$$eval('#entries tr.entry', (trs) => trs.map((tr) => [
    tr.querySelector('td[data-label="Site"] .site-label').textContent,
    tr.querySelector('td[data-label="Kind"]').textContent,
    tr.querySelector('td[data-label="Growth"]').textContent,
  ]));

  await check('no console errors, page errors or requests', async () => {
    assert.deepEqual(problems, []);
  });

  await check('every chart is drawn', async () => {
    const inked = await page.$$eval('canvas', (canvases) => canvases.map((canvas) => {
      const { data } = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height);
      let count = 0;
      for (let i = 3; i < data.length; i += 4) if (data[i] !== 0) count++;
      return [canvas.dataset.kind, canvas.width * canvas.height, count];
    }));
    assert.deepEqual(inked.map(([kind]) => kind), ['bigBuffer', 'slab', 'totals']);
    for (const [kind, area, count] of inked) {
      assert.ok(count > area / 20, `${kind}: ${count} of ${area} pixels drawn`);
    }
  });

  await check("the table names the fixture's lines with their growth", async () => {
    const byLine = Object.fromEntries((await rows()).map(([label, kind, growth]) => [`${label} ${kind}`, growth]));
    assert.deepEqual(Object.keys(byLine).sort(),
      [`${packet} big buffers`, `${header} slab retainers`, `${cache} big buffers`].sort());
    assert.match(byLine[`${packet} big buffers`], /^growing \+\d/);
    assert.match(byLine[`${header} slab retainers`], /^growing \+\d/);
    assert.equal(byLine[`${cache} big buffers`], 'steady +0 B/min');
  });

  await check('the answer leads with the growing line and its fix', async () => {
    const first = await page.textContent('#findings li:first-child');
    assert.ok(first.startsWith(`${packet} holds `) || first.startsWith(`${header} holds `), first);
    assert.match(first, / growing \+.*Fix: copy the part you keep out/);
    assert.match(await page.textContent('#headline'), /2 sites are growing/);
  });

  await check('clicking a row highlights its series and dims the others', async () => {
    const styles = () => page.$eval('canvas[data-kind="bigBuffer"]', (canvas) =>
      Object.fromEntries(Chart.getChart(canvas).data.datasets.map((d) => [d.label, [d.borderWidth, d.backgroundColor]])));
    const before = await styles();
    await page.click(`#entries tr.entry:has(.site-label:text-is("${cache}"))`);
    const after = await styles();
    assert.equal(after[cache][0], 3);
    assert.notEqual(after[cache][1], before[cache][1]);
    assert.notEqual(after[packet][1], before[packet][1]);
    assert.match(after[packet][1], /, 0\.08\)$/);
    assert.ok(await page.isVisible('#entries tr.selected + tr.details-row'), 'the row shows its details');
    await page.screenshot({ path: join(output_dir, 'report-1280x800-selected.png'), fullPage: true });
    await page.click('#entries tr.selected');
    assert.deepEqual(await styles(), before);
  });

  await check('sorting by a column reorders the table', async () => {
    await page.click('#entries th button[data-column="site"]');
    const ascending = [packet, header, cache].sort((a, b) => a.localeCompare(b));
    assert.deepEqual((await rows()).map(([label]) => label), ascending);
    await page.click('#entries th button[data-column="site"]');
    assert.deepEqual((await rows()).map(([label]) => label), ascending.reverse());
  });

  // Each size loaded afresh, as a reader would open it.
  await page.goto(url, { waitUntil: 'load' });
  await page.screenshot({ path: join(output_dir, 'report-1280x800.png') });
  await page.screenshot({ path: join(output_dir, 'report-1280x800-full.png'), fullPage: true });
  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto(url, { waitUntil: 'load' });
  await check('a phone shows the page without sideways scrolling', async () => {
    assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= 390),
      `page is ${await page.evaluate(() => document.documentElement.scrollWidth)} px wide`);
  });
  await page.screenshot({ path: join(output_dir, 'report-390x844.png') });
  await page.screenshot({ path: join(output_dir, 'report-390x844-full.png'), fullPage: true });
  await check('still no console errors, page errors or requests', async () => {
    assert.deepEqual(problems, []);
  });
} finally {
  await browser.close();
  rmSync(profile, { recursive: true, force: true });
}
console.log(`screenshots: ${output_dir}`);
console.log(`html-report: ${passes} passed, ${failures} failed`);
process.exit(failures === 0 ? 0 : 1);
