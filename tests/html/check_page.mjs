// The HTML report in a real browser: loads the page from file:// in Debian's Chromium and checks
// it against what tests/html/fixture.js is known to do (a growing packet log: packets kept by
// their headers; a steady cache), then writes screenshots at a laptop's and a phone's size.
// Also checks the pages of a run without a timeline and of a run that leaks nothing.
// Usage: node check_page.mjs <output dir> <fixture's page> <its page without a timeline>
//          <a clean run's page> <packet line> <header line> <cache line>
//          <the page of a run that frees its packet log before it ends>
//          <the page of two runs' reports merged (--slab-hunter-merge)>
//          <the fixture's page sampled at a 16 KiB mean interval (--slab-hunter-sample-bytes)>
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';

const [output_dir, fixturePage, noTimelinePage, cleanPage, packetLine, headerLine, cacheLine, freedPage,
       mergedPage, sampledPage] = process.argv.slice(2);
const urlOf = (path) => pathToFileURL(resolve(path)).href;
const packet = `fixture.js:${packetLine}`;
const header = `fixture.js:${headerLine}`;
const cache = `fixture.js:${cacheLine}`;
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
  let url = urlOf(fixturePage);
  page.on('console', (message) => { if (message.type() === 'error') problems.push(`console: ${message.text()}`); });
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('request', (request) => { if (request.url() !== url) problems.push(`request: ${request.url()}`); });
  await page.goto(url, { waitUntil: 'load' });

  // The table's rows by their site label: [label, kind, growth text].
  const rows = () => page.$$eval('#entries tr.entry:not(.internal)', (trs) => trs.map((tr) => [
    tr.querySelector('td[data-label="Site"] .site-label').textContent,
    tr.querySelector('td[data-label="Kind"]').textContent,
    tr.querySelector('td[data-label="Growth"]').textContent,
  ]));

  await check('no console errors, page errors or requests', async () => {
    assert.deepEqual(problems, []);
  });

  await check('bytes read as in the text report (npm byte-size; tests/core/report_text_test.cc)', async () => {
    const cases = { 12: '12 B', 999.95: '1,000 B', 8092: '8.1 kB', 999950: '1,000 kB', 1234567: '1.2 MB',
                    0.15: '0.2 B', 2.675: '2.7 B', '-999950': '-1,000 kB', '-0.01': '-0 B',
                    9.9999e26: '1,000 YB', 1e27: '1e+27 ' };
    const shown = await page.evaluate((values) => values.map((v) => formatBytes(Number(v))), Object.keys(cases));
    assert.deepEqual(shown, Object.values(cases));
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
    assert.match(await page.textContent('#headline'), /^3 sites keep memory the program may not need \(big buffers [\d.]+ MB, slab retainers [\d.]+ MB\); 2 growing\.$/);
    assert.match(await page.title(), /^3 sites keep memory/);
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
    // The fixture's directory is "<!-- <script>": its name arrives whole, as text.
    const stack = await page.textContent('#entries tr.selected + tr.details-row .stack');
    assert.match(stack, new RegExp(`^at handleRequest \\(/.*/<!-- <script>/${cache}:\\d+\\)`));
    await page.screenshot({ path: join(output_dir, 'report-1280x800-selected.png'), fullPage: true });
    await page.click('#entries tr.selected');
    assert.deepEqual(await styles(), before);
  });

  await check("clicking a legend entry highlights that site's series", async () => {
    const point = await page.$eval('canvas[data-kind="bigBuffer"]', (canvas, label) => {
      const chart = Chart.getChart(canvas);
      const hit = chart.legend.legendHitBoxes[chart.data.datasets.findIndex((d) => d.label === label)];
      const rect = canvas.getBoundingClientRect();
      return { x: rect.left + hit.left + hit.width / 2, y: rect.top + hit.top + hit.height / 2 };
    }, packet);
    // Chart.js handles a canvas's events at the next animation frame: wait for the selection.
    const selectedRows = (count) => page.waitForFunction(
      (n) => document.querySelectorAll('#entries tr.selected').length === n, count, { timeout: 5000 });
    await page.mouse.click(point.x, point.y);
    await selectedRows(1);
    const widths = await page.$eval('canvas[data-kind="bigBuffer"]', (canvas) =>
      Object.fromEntries(Chart.getChart(canvas).data.datasets.map((d) => [d.label, d.borderWidth])));
    assert.deepEqual(widths, { [packet]: 3, [cache]: 1.5 });
    assert.deepEqual(await page.$$eval('#entries tr.selected .site-label', (labels) => labels.map((l) => l.textContent)),
      [packet]);
    await page.mouse.click(point.x, point.y);
    await selectedRows(0);
  });

  await check("Node's internals are one folded row that lists them when clicked", async () => {
    const summary = await page.textContent('#entries tr.internals');
    const [, count] = /^Node internals: (\d+) sites?, [\d.]+ [kM]?B/.exec(summary) || [];
    assert.ok(Number(count) >= 1, summary);
    const internal = '#entries tr.entry.internal';
    assert.equal(await page.$$eval(internal, (trs) => trs.filter((tr) => !tr.hidden).length), 0);
    await page.click('#entries tr.internals');
    const labels = await page.$$eval(internal, (trs) =>
      trs.filter((tr) => !tr.hidden).map((tr) => tr.querySelector('.site-label').textContent));
    assert.equal(labels.length, Number(count));
    assert.ok(labels.every((label) => label.startsWith('node:')), labels.join());
    assert.doesNotMatch(await page.textContent('#answer'), /node:/);
    await page.click('#entries tr.internals');
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

  await page.setViewportSize({ width: 1280, height: 800 });
  url = urlOf(noTimelinePage);
  await page.goto(url, { waitUntil: 'load' });
  await check('without a timeline: no chart, a note, the entries with unknown growth', async () => {
    assert.equal(await page.$$eval('canvas', (canvases) => canvases.length), 0);
    assert.match(await page.textContent('#charts'), /No timeline in this report/);
    assert.match(await page.textContent('#headline'), /; growth unknown \(no timeline\)\.$/);
    const growth = await rows();
    assert.deepEqual(growth.map(([label]) => label).sort(), [packet, header, cache].sort());
    for (const [, , verdict] of growth) assert.equal(verdict, 'unknown');
  });
  await page.screenshot({ path: join(output_dir, 'report-no-timeline-1280x800.png') });

  url = urlOf(cleanPage);
  await page.goto(url, { waitUntil: 'load' });
  await check('a run that holds nothing says so', async () => {
    assert.match(await page.textContent('#headline'), /^No Buffer memory is held past the leak cut-off/);
    assert.equal(await page.textContent('#entries tbody'), 'No entries.');
    assert.equal(await page.$$eval('canvas', (canvases) => canvases.length), 0);
    assert.match(await page.textContent('#charts'), /Nothing was held at any point of the timeline/);
  });
  await page.screenshot({ path: join(output_dir, 'report-clean-1280x800.png') });

  url = urlOf(freedPage);
  await page.goto(url, { waitUntil: 'load' });
  await check('a leak freed before the end still leads the answer, at its peak', async () => {
    // The log was dropped just before the end: the report holds only the cache, but the
    // packets and their headers were growing all along.
    assert.match(await page.textContent('#headline'),
                 /^1 site keeps memory the program may not need \(big buffers 524.3 kB, slab retainers 0 B\); 2 growing \(2 of them freed by the end\)\.$/);
    const findings = await page.$$eval('#findings > li', (items) => items.map((item) => item.textContent));
    assert.equal(findings.length, 3, findings.join('\n'));
    const freed = findings.slice(0, 2).map((text) => text.replace(/ held .*/, '')).sort();
    assert.deepEqual(freed, [header, packet].sort());
    for (const text of findings.slice(0, 2)) assert.match(text, / at its peak, freed by the end growing \+/);
    assert.match(findings[2], new RegExp(`^${cache} holds 524.3 kB in big buffers`));
  });
  await page.screenshot({ path: join(output_dir, 'report-freed-1280x800.png') });

  url = urlOf(mergedPage);
  await page.goto(url, { waitUntil: 'load' });
  await check("a merged report: each process's charts; a row highlights its site in every one", async () => {
    assert.deepEqual(await page.$$eval('#charts h2', (headings) => headings.map((h) => /^Process \d+$/.test(h.textContent))),
                     [true, true]);
    // Merged over both processes: no entry has a process of its own.
    assert.deepEqual(await page.$$eval('#entries th', (ths) => ths.some((th) => th.textContent.startsWith('Process'))), false);
    const widths = () => page.$$eval('canvas[data-kind="bigBuffer"]', (canvases) => canvases.map((canvas) =>
      Object.fromEntries(Chart.getChart(canvas).data.datasets.map((d) => [d.label, d.borderWidth]))));
    await page.click(`#entries tr.entry:has(.site-label:text-is("${cache}"))`);
    assert.deepEqual(await widths(), [{ [packet]: 1.5, [cache]: 3 }, { [packet]: 1.5, [cache]: 3 }]);
  });
  await page.screenshot({ path: join(output_dir, 'report-merged-1280x800.png'), fullPage: true });

  url = urlOf(sampledPage);
  await page.goto(url, { waitUntil: 'load' });
  await check('sampled: the headline says so, and every figure has its 95% interval', async () => {
    assert.match(await page.textContent('#headline'),
                 /; estimated from a sample \(mean sampling interval 16.4 kB\)\.$/);
    const rows = await page.$$eval('#entries tr.entry', (trs) => trs.map((tr) =>
      [...tr.querySelectorAll('td.numeric')].slice(0, 2).map((td) => td.textContent)));
    assert.ok(rows.length > 0);
    for (const [bytes, amount] of rows) {
      assert.match(bytes, /^[\d.]+ [kM]?B95%: [\d.]+ [kM]?B to [\d.]+ [kM]?B$/, bytes);
      assert.match(amount, /^\d+95%: \d+ to \d+$/, amount);
    }
    const totals = await page.$$eval('#totals .interval', (notes) => notes.map((note) => note.textContent));
    assert.equal(totals.length, 3, totals.join('\n'));
  });
  await page.screenshot({ path: join(output_dir, 'report-sampled-1280x800.png'), fullPage: true });

  await check('no console errors, page errors or requests on any page', async () => {
    assert.deepEqual(problems, []);
  });
} finally {
  await browser.close();
  rmSync(profile, { recursive: true, force: true });
}
console.log(`screenshots: ${output_dir}`);
console.log(`html-report: ${passes} passed, ${failures} failed`);
process.exit(failures === 0 ? 0 : 1);
