// The HTML report's entry point: reads the embedded JSON report and builds the page from it.
'use strict';

// The selected site, shared by the tables (its rows marked) and the charts (its series strong).
function createSelection() {
  let selectedKey = null;
  return {
    get key() { return selectedKey; },
    select(key, on) {
      if (on) selectedKey = key;
      else if (selectedKey === key) selectedKey = null;
      for (const row of document.querySelectorAll('tr[data-key]')) {
        row.classList.toggle('selected', selectedKey !== null && row.dataset.key === selectedKey);
      }
      highlightSite(selectedKey);
    },
  };
}

function renderFooter(model, footer) {
  const { report } = model;
  const settings = report.settings || {};
  const threads = (report.threads || []).map((t) => `${t.threadId} (${t.state})`).join(', ');
  footer.append(
    element('p', { text:
      `Leak cut-off ${settings.leakCutoffMs} ms, big-buffer cut-off ${formatBytes(settings.bigBufferCutoff || 0)}, ` +
      `${settings.stackDepth} frames per stack. Threads: ${threads || 'none'}.` }),
    element('p', { text:
      `Report schema ${report.schema} version ${report.version}. Charts by Chart.js ${Chart.version} (MIT).` }));
}

function main() {
  const report = JSON.parse(document.getElementById('report-data').textContent);
  const model = buildModel(report);
  const selection = createSelection();
  renderAnswer(model, document.getElementById('answer'));
  renderCharts(model, document.getElementById('charts'),
    (key) => selection.select(key, selection.key !== key));
  renderEntries(model, document.getElementById('entries'), selection);
  renderPeakOnly(model, document.getElementById('peak-only'), selection);
  renderFooter(model, document.getElementById('footer'));
}

main();
