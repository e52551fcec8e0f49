/*
 * Keeps the run's table and resource sum current: dag.js fetches the run every few seconds and
 * announces it with an "onepanel-run" event; this redraws the rows from it, as index.jelly first drew
 * them. Every text from the run is set as text, never parsed as markup.
 */
(function () {
  function cell(row, text, tag) {
    const td = row.insertCell();
    if (text == null || text === "") return td;
    const inner = tag ? document.createElement(tag) : document.createTextNode(text);
    if (tag) inner.textContent = text;
    td.appendChild(inner);
    return td;
  }

  function small(parent, className, text, emphasis) {
    parent.appendChild(document.createElement("br"));
    const s = document.createElement("small");
    if (className) s.className = className;
    if (emphasis) {
      s.appendChild(document.createElement("em")).textContent = text;
    } else {
      s.textContent = text;
    }
    parent.appendChild(s);
  }

  document.addEventListener("onepanel-run", (event) => {
    const run = event.detail;
    const table = document.getElementById("onepanel-nodes");
    if (table) {
      const body = document.createElement("tbody");
      (run.nodes || []).forEach((n, i) => {
        const row = body.insertRow();
        cell(row, n.name).className = "onepanel-depth-" + n.depth;
        const phase = cell(row, n.phase, "span");
        phase.firstChild.className = "onepanel-phase onepanel-phase-" + n.phase;
        if (n.message != null && n.phase !== "Succeeded") small(phase, null, n.message);
        if (n.status != null) small(phase, "onepanel-status", n.status, true);
        if (n.reusedFrom != null) small(phase, "onepanel-reused", table.dataset.reused + " " + n.reusedFrom);
        cell(row, n.durationString);
        cell(row, n.depends, "code");
        cell(row, n.podName, "code");
        cell(row, n.nodePool);
        cell(row, n.gpus);
        cell(row, n.resourcesDuration, "code");
        cell(row, n.exitCode == null ? null : String(n.exitCode));
        const log = cell(row, null);
        if (n.hasLog) {
          const a = log.appendChild(document.createElement("a"));
          a.href = table.dataset.log + i;
          a.textContent = table.dataset.logLabel;
        }
      });
      table.replaceChild(body, table.tBodies[0]);
    }
    const resources = document.getElementById("onepanel-run-resources");
    if (resources && run.resourcesDuration) {
      resources.textContent = run.resourcesDuration;
      resources.parentElement.hidden = false;
    }
  });
})();
