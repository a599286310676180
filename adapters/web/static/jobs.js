// The job list: polled every two seconds and updated in place, row by row (keyed by job id),
// so keyboard focus and the reading position survive each refresh.

export function duration(seconds) {
  const s = Math.floor(seconds);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m ${s % 60}s`;
  return `${Math.floor(s / 3600)}h ${Math.floor((s % 3600) / 60)}m`;
}

export function speedText(speed) {
  return Number.isNaN(Number(speed)) ? speed : `${Number(speed).toLocaleString()}×`;
}

// Which of the steering actions a job in this status offers (`resumable`: the view's flag; a
// backfill that failed because its target stopped answering can be resumed).
export function actionsFor(status, resumable = false) {
  return {
    start: status === "pending",
    pause: status === "running",
    resume: status === "paused" || (status === "failed" && resumable),
    stop: ["pending", "running", "paused"].includes(status),
    delete: true,
  };
}

const ACTIONS = [["start", "Start", ""], ["pause", "Pause", "secondary"], ["resume", "Resume", ""],
  ["stop", "Stop", "secondary"], ["delete", "Delete", "danger"]];
const COLUMNS = ["name", "status", "what", "uptime", "today", "events", "requests", "llm", "warnings"];

function setText(node, text) {
  if (node.textContent !== text) node.textContent = text;
}

// If the focused button was just hidden or disabled, move focus to the nearest usable one in
// the same group (pressing Pause hides it and shows Resume in its place).
export function keepFocus(group, before) {
  if (!before || !group.contains(before) || (!before.hidden && !before.disabled)) return;
  const usable = [...group.querySelectorAll("button")].filter((b) => !b.hidden && !b.disabled);
  if (usable.length) usable[0].focus();
}

function newRow(job, onAction) {
  const row = document.createElement("tr");
  row.dataset.job = job.id;
  const cells = {};
  for (const key of COLUMNS) {
    cells[key] = row.insertCell();
    cells[key].className = `col-${key}`;
  }
  const link = document.createElement("a");
  link.href = `#job=${encodeURIComponent(job.id)}`;
  link.className = "job-link";
  cells.name.append(link);
  const status = document.createElement("span");
  cells.status.append(status);
  cells.warnings.classList.add("warn");
  const actions = document.createElement("div");
  actions.className = "actions";
  for (const [action, label, cls] of ACTIONS) {
    const b = document.createElement("button");
    b.type = "button";
    b.textContent = label;
    b.className = cls;
    b.dataset.action = action;
    b.addEventListener("click", () => onAction(row.dataset.job, action,
      { name: row.dataset.name, status: row.dataset.status }));
    actions.append(b);
  }
  row.insertCell().append(actions);
  return row;
}

function updateRow(row, job) {
  const [name, status, what, uptime, today, events, requests, llm, warnings] = row.cells;
  row.dataset.name = job.name;
  row.dataset.status = job.status;
  setText(name.firstChild, job.name);
  const badge = status.firstChild;
  setText(badge, job.status);
  if (badge.className !== `status ${job.status}`) badge.className = `status ${job.status}`;
  setText(what, `${job.mode.replace("_", " ")} → ${job.target} @ ${speedText(job.speed)}`);
  setText(uptime, duration(job.uptime_seconds));
  setText(today, job.today_events.toLocaleString());
  setText(events, job.events.toLocaleString());
  setText(requests, job.replay ? job.replay.requests.toLocaleString() : "–");
  setText(llm, job.llm_calls ? `${job.llm_calls} / $${(job.llm_cost_usd || 0).toFixed(2)}` : "–");
  setText(warnings, [...job.warnings, ...(job.error ? [job.error] : [])].join("; "));
  const group = row.querySelector(".actions");
  const focused = document.activeElement;
  const offered = actionsFor(job.status, job.resumable);
  for (const b of group.querySelectorAll("button")) {
    const hide = !offered[b.dataset.action];
    if (b.hidden !== hide) b.hidden = hide;
    const label = `${b.textContent} ${job.name}`;
    if (b.getAttribute("aria-label") !== label) b.setAttribute("aria-label", label);
  }
  keepFocus(group, focused);
}

// Bring the table body in line with `jobs` (server order), touching only what changed.
export function renderJobs(body, jobs, onAction) {
  const rows = new Map([...body.rows].map((row) => [row.dataset.job, row]));
  const focused = document.activeElement;
  let lostFocusAt = -1;
  const keep = new Set(jobs.map((job) => job.id));
  [...body.rows].forEach((row, index) => {
    if (keep.has(row.dataset.job)) return;
    if (row.contains(focused)) lostFocusAt = index;
    row.remove();
  });
  jobs.forEach((job, index) => {
    let row = rows.get(job.id);
    if (!row) row = newRow(job, onAction);
    if (body.rows[index] !== row) body.insertBefore(row, body.rows[index] || null);
    updateRow(row, job);
  });
  if (lostFocusAt >= 0) { // the focused job went: focus its neighbour (or the heading)
    const next = body.rows[Math.min(lostFocusAt, body.rows.length - 1)];
    (next ? next.querySelector("a") : document.getElementById("jobs-heading")).focus();
  }
}
