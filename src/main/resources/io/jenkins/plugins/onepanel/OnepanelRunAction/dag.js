/*
 * Draws a workflow run as a DAG: one column per dependency level, one box per task (phase, duration,
 * node pool, GPUs), each a link to the task's log. Reads the run from api/json and redraws every few
 * seconds while it goes on. Levels come from the "depends" text each task was written with; names
 * that are not sibling tasks (the result of .Succeeded, ||, !) simply add no edge.
 */
(function () {
  function levels(nodes) {
    const byName = new Map(nodes.map((n) => [n.parentId + "/" + baseName(n.name), n]));
    const level = new Map();
    function levelOf(n, seen) {
      if (level.has(n.id)) return level.get(n.id);
      if (seen.has(n.id)) return 0;
      seen.add(n.id);
      let l = 0;
      const names = (n.depends || "").match(/[A-Za-z0-9_-]+/g) || [];
      for (const name of names) {
        const dep = byName.get(n.parentId + "/" + name);
        if (dep && dep !== n) l = Math.max(l, levelOf(dep, seen) + 1);
      }
      level.set(n.id, l);
      return l;
    }
    nodes.forEach((n) => levelOf(n, new Set()));
    return level;
  }

  function baseName(name) {
    return name.replace(/[(#].*$/, "");
  }

  function seconds(ms) {
    if (!ms) return "";
    const s = Math.round(ms / 1000);
    return s < 60 ? s + "s" : Math.floor(s / 60) + "m " + (s % 60) + "s";
  }

  function draw(container, run) {
    const all = run.nodes || [];
    const tasks = all.filter((n) => n.type === "POD" || n.type === "SKIPPED" || n.type === "SUSPEND" || n.type === "TASK_GROUP" || n.type === "RETRIES");
    const level = levels(tasks);
    const columns = [];
    tasks.forEach((n) => {
      const l = level.get(n.id) || 0;
      (columns[l] = columns[l] || []).push(n);
    });
    container.replaceChildren();
    columns.forEach((column) => {
      const div = document.createElement("div");
      div.className = "onepanel-dag-column";
      (column || []).forEach((n) => {
        const box = document.createElement(n.hasLog ? "a" : "div");
        box.className = "onepanel-dag-node onepanel-phase-" + n.phase;
        if (n.hasLog) box.href = container.dataset.log + all.indexOf(n);
        const title = document.createElement("strong");
        title.textContent = n.name;
        box.appendChild(title);
        const details = [n.phase, seconds(n.durationMillis), n.nodePool, n.gpus ? n.gpus + " GPU" : null, n.resourcesDuration || null]
          .filter((x) => x);
        const small = document.createElement("small");
        small.textContent = details.join(" \u00b7 ");
        box.appendChild(small);
        div.appendChild(box);
      });
      container.appendChild(div);
    });
    const phase = document.getElementById("onepanel-run-phase");
    if (phase) {
      phase.textContent = run.phase;
      phase.className = "onepanel-phase onepanel-phase-" + run.phase;
    }
  }

  function refresh(container) {
    fetch(container.dataset.api, { credentials: "same-origin" })
      .then((r) => (r.ok ? r.json() : Promise.reject(r.status)))
      .then((run) => {
        draw(container, run);
        if (run.running) setTimeout(() => refresh(container), 3000);
      })
      .catch(() => setTimeout(() => refresh(container), 10000));
  }

  document.addEventListener("DOMContentLoaded", () => {
    const container = document.getElementById("onepanel-dag");
    if (container) refresh(container);
  });
})();
