/*
 * Draws a workflow run as its DAG: one graph per DAG node (the entrypoint's, then each nested one),
 * one column per dependency level, one box per task (phase, duration, node pool, GPUs, resource use,
 * and while it has not ended what it waits for), and an arrow from each task to each task that depends
 * on it, labelled with the result a `depends` condition asks for (dashed). Retry attempts and loop
 * items are lines inside their task's box; tasks announced but not started are drawn dashed, waiting
 * for the tasks they depend on. Reads the run from api/json and redraws every few seconds while it
 * goes on, announcing each reading as an "onepanel-run" event (table.js redraws the table from it).
 * Every text from the run (names, messages) is set as text, never parsed as markup.
 */
(function () {
  const SVG = "http://www.w3.org/2000/svg";
  const WIDTH = 220;
  const LINE = 18;
  const PAD = 8;
  const GAP_X = 90;
  const GAP_Y = 18;
  const SHOWN = new Set(["POD", "SKIPPED", "SUSPEND", "TASK_GROUP", "RETRIES", "DAG", "PLANNED"]);
  const WAITING_LINES = 3;
  const WAITING_CHARS_PER_LINE = 34;

  /** "fan(1:b)", "train(0)" and "train#2" are an item and attempts of "fan" and "train". */
  function baseName(name) {
    return name.replace(/[(#].*$/, "");
  }

  function seconds(ms) {
    if (!ms) return "";
    const s = Math.round(ms / 1000);
    return s < 60 ? s + "s" : Math.floor(s / 60) + "m " + (s % 60) + "s";
  }

  /** The values that are there, one after the other: "Running · 6s". */
  function joined(values) {
    return values.filter((x) => x).join(" \u00b7 ");
  }

  function done(n) {
    return n.phase && n.phase !== "Pending" && n.phase !== "Running";
  }

  /**
   * The tasks a node waits for, by name among its siblings, each once with the results its condition
   * names ("Failed|Succeeded" for `C.Failed || C.Succeeded`); an exit handler ("train.onExit") waits
   * for its task.
   */
  function dependencies(n) {
    const byTask = new Map();
    (n.dependsOn || []).forEach((d) => {
      const results = byTask.get(d.task) || [];
      if (d.result && !results.includes(d.result)) results.push(d.result);
      byTask.set(d.task, results);
    });
    const deps = Array.from(byTask.entries())
      .map(([task, results]) => ({ task, result: results.join("|") || null }));
    const exit = /^(.*)\.onExit$/.exec(n.name);
    if (exit) deps.push({ task: exit[1], result: "onExit" });
    return deps;
  }

  /**
   * Why a node that has not ended waits, or what it does: the tasks it waits for (a task not started
   * yet), its own note, else its newest attempt's or item's.
   */
  function note(n, children, labels, siblings) {
    if (done(n)) return null;
    if (n.type === "PLANNED") {
      const open = dependencies(n).map((d) => d.task).filter((t) => !siblings.has(t) || !done(siblings.get(t)));
      return open.length ? labels.waitingFor + " " + open.join(", ") : null;
    }
    if (n.status) return n.status;
    for (let i = children.length - 1; i >= 0; i--) {
      const c = children[i];
      if (!done(c) && c.status) return c.status;
      if (!done(c) && c.type === "POD" && c.phase === "Pending") return labels.slot;
    }
    if (n.type === "POD" && n.phase === "Pending") return labels.slot;
    return null;
  }

  function el(tag, className, text) {
    const e = document.createElement(tag);
    if (className) e.className = className;
    if (text != null) e.textContent = text;
    return e;
  }

  function svg(tag, attributes) {
    const e = document.createElementNS(SVG, tag);
    Object.entries(attributes).forEach(([k, v]) => e.setAttribute(k, v));
    return e;
  }

  /** Longest path from a task without dependencies: the task's column. */
  function levels(tasks) {
    const byName = new Map(tasks.map((n) => [baseName(n.name), n]));
    const level = new Map();
    function levelOf(n, seen) {
      if (level.has(n.id)) return level.get(n.id);
      if (seen.has(n.id)) return 0; // a cycle the validator would have refused; draw it flat
      seen.add(n.id);
      let l = 0;
      for (const d of dependencies(n)) {
        const dep = byName.get(d.task);
        if (dep && dep !== n) l = Math.max(l, levelOf(dep, seen) + 1);
      }
      level.set(n.id, l);
      return l;
    }
    tasks.forEach((n) => levelOf(n, new Set()));
    return level;
  }

  /** One box: the task, then one line per attempt or item (each a link to its log when it has one). */
  function box(n, children, logUrl, all, labels, siblings) {
    const b = el(n.hasLog ? "a" : "div", "onepanel-dag-node onepanel-phase-" + n.phase);
    b.setAttribute("data-task", n.name);
    if (n.hasLog) b.href = logUrl + all.indexOf(n);
    b.appendChild(el("strong", null, n.name)).title = n.name;
    const phase = n.type === "PLANNED" ? labels.notStarted : n.phase;
    b.appendChild(el("small", null, joined([phase, seconds(n.durationMillis)])));
    const details = joined([n.nodePool, n.gpus ? n.gpus + " " + labels.gpu : null, n.resourcesDuration]);
    if (details) b.appendChild(el("small", null, details)).title = details;
    children.forEach((c) => {
      const line = el(c.hasLog ? "a" : "span", "onepanel-dag-child onepanel-phase-" + c.phase,
        joined([c.name, c.phase, seconds(c.durationMillis)]));
      if (c.hasLog) line.href = logUrl + all.indexOf(c);
      b.appendChild(line);
    });
    let extra = 0;
    const why = note(n, children, labels, siblings);
    if (why) {
      const w = el("small", "onepanel-dag-waiting", why);
      w.title = why;
      b.appendChild(w);
      extra = Math.min(WAITING_LINES, Math.ceil(why.length / WAITING_CHARS_PER_LINE)) - 1; // it wraps
    }
    if (n.message && done(n) && n.phase !== "Succeeded") {
      const m = el("small", "onepanel-dag-message", n.message);
      m.title = n.message;
      b.appendChild(m);
    }
    const lines = b.childNodes.length + extra;
    return { element: b, height: PAD * 2 + lines * LINE };
  }

  /** The graph of one DAG node's tasks, with its edges. */
  function graph(tasks, childrenOf, logUrl, all, labels) {
    const level = levels(tasks);
    const columns = [];
    tasks.forEach((n) => {
      const l = level.get(n.id) || 0;
      (columns[l] = columns[l] || []).push(n);
    });
    const byName = new Map(tasks.map((n) => [baseName(n.name), n]));
    const place = new Map();
    const area = el("div", "onepanel-dag-graph");
    let height = 0;
    columns.forEach((column, c) => {
      // Beside the tasks they wait for, where it can: fewer crossing arrows.
      const row = (n) => {
        const ys = dependencies(n).map((d) => byName.get(d.task)).filter((d) => d && place.has(d.id))
          .map((d) => place.get(d.id).y);
        return ys.length ? ys.reduce((a, b) => a + b, 0) / ys.length : 0;
      };
      const ordered = (column || []).map((n, i) => ({ n, i, r: row(n) }))
        .sort((a, b) => a.r - b.r || a.i - b.i).map((x) => x.n);
      let y = 0;
      ordered.forEach((n) => {
        const b = box(n, childrenOf(n), logUrl, all, labels, byName);
        const x = c * (WIDTH + GAP_X);
        b.element.style.left = x + "px";
        b.element.style.top = y + "px";
        b.element.style.width = WIDTH + "px";
        b.element.style.height = b.height + "px";
        area.appendChild(b.element);
        place.set(n.id, { x, y, h: b.height });
        y += b.height + GAP_Y;
      });
      height = Math.max(height, y);
    });
    const width = Math.max(1, columns.length * (WIDTH + GAP_X) - GAP_X);
    const lines = svg("svg", { class: "onepanel-dag-edges", width, height, "aria-hidden": "true" });
    const marker = svg("marker", { id: "onepanel-arrow-" + tasks[0].id.replace(/[^A-Za-z0-9_-]/g, "_"),
      viewBox: "0 0 10 10", refX: "10", refY: "5", markerWidth: "7", markerHeight: "7", orient: "auto" });
    marker.appendChild(svg("path", { d: "M0,0 L10,5 L0,10 z" }));
    lines.appendChild(svg("defs", {})).appendChild(marker);
    tasks.forEach((n) => {
      const to = place.get(n.id);
      dependencies(n).forEach((d) => {
        const source = byName.get(d.task);
        if (!source || source === n) return;
        const from = place.get(source.id);
        const x1 = from.x + WIDTH, y1 = from.y + from.h / 2, x2 = to.x, y2 = to.y + to.h / 2;
        const bend = Math.max(30, (x2 - x1) / 2);
        const edge = svg("path", {
          d: `M${x1},${y1} C${x1 + bend},${y1} ${x2 - bend},${y2} ${x2},${y2}`,
          class: "onepanel-dag-edge" + (d.result ? " onepanel-dag-edge-condition" : ""),
          "marker-end": "url(#" + marker.id + ")",
        });
        edge.setAttribute("data-from", source.name);
        edge.setAttribute("data-to", n.name);
        if (d.result) edge.setAttribute("data-result", d.result);
        lines.appendChild(edge);
        if (d.result) {
          const label = svg("text", { x: (x1 + x2) / 2, y: (y1 + y2) / 2 - 4, class: "onepanel-dag-edge-label",
            "text-anchor": "middle" });
          label.textContent = d.result;
          lines.appendChild(label);
        }
      });
    });
    area.style.width = width + "px";
    area.style.height = height + "px";
    area.insertBefore(lines, area.firstChild);
    return area;
  }

  function draw(container, run) {
    const ids = new Set((run.nodes || []).map((n) => n.id));
    // Tasks announced but not started: drawn with the rest, as waiting for the tasks they depend on.
    const planned = (run.planned || []).filter((p) => !ids.has(p.id))
      .map((p) => Object.assign({}, p, { type: "PLANNED", phase: "Pending" }));
    const all = (run.nodes || []).concat(planned);
    const labels = container.dataset;
    const byParent = new Map();
    all.forEach((n) => {
      const key = n.parentId || "";
      (byParent.get(key) || byParent.set(key, []).get(key)).push(n);
    });
    const childrenOf = (n) => (n.type === "RETRIES" || n.type === "TASK_GROUP" ? byParent.get(n.id) || [] : []);
    while (container.firstChild) container.removeChild(container.firstChild);
    // Top-level tasks of a run without a DAG entrypoint, then each DAG's tasks.
    const scopes = [{ id: "", name: null }].concat(all.filter((n) => n.type === "DAG"));
    scopes.forEach((scope) => {
      const tasks = (byParent.get(scope.id) || [])
        .filter((n) => SHOWN.has(n.type) && !(scope.id === "" && n.type === "DAG"));
      if (!tasks.length) return;
      const section = el("section", "onepanel-dag-scope");
      if (scope.parentId) section.appendChild(el("h3", null, labels.tasksOf + " " + scope.name));
      section.appendChild(graph(tasks, childrenOf, container.dataset.log, all, labels));
      container.appendChild(section);
    });
    const phase = document.getElementById("onepanel-run-phase");
    if (phase) {
      phase.textContent = run.phase;
      phase.className = "onepanel-phase onepanel-phase-" + run.phase;
    }
  }

  function refresh(container, wasRunning) {
    fetch(container.dataset.api, { credentials: "same-origin" })
      .then((r) => (r.ok ? r.json() : Promise.reject(r.status)))
      .then((run) => {
        draw(container, run);
        document.dispatchEvent(new CustomEvent("onepanel-run", { detail: run }));
        if (run.running) {
          setTimeout(() => refresh(container, true), 3000);
        } else if (wasRunning) {
          location.reload(); // the outputs, listed once the run has ended
        }
      })
      .catch((e) => {
        console.warn("onepanel: could not draw the run", e);
        setTimeout(() => refresh(container, wasRunning), 10000);
      });
  }

  document.addEventListener("DOMContentLoaded", () => {
    const container = document.getElementById("onepanel-dag");
    if (container) refresh(container, false);
  });
})();
