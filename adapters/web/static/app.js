// The dashboard: job list (polled, updated in place), job page (live feed over SSE, charts,
// controls), new-job form. Routes: "#" the list, "#job=ID" a job's page.

import { api } from "./api.js";
import { askDelete } from "./dialog.js";
import { setUpForm } from "./form.js";
import { JobPage } from "./jobpage.js";
import { renderJobs } from "./jobs.js";

const $ = (id) => document.getElementById(id);
const REFRESH_MS = 2000;
const app = { eventTypes: [], page: null };

// Steer a job from its row or its page (`job`: what it knows of the job's name and status);
// errors show where the action was asked for.
async function act(id, action, job, fromPage) {
  const name = job.name || id;
  const onPage = fromPage && app.page && app.page.id === id;
  const report = (text) => (onPage ? app.page.problem(text) : ($("jobs-error").textContent = text));
  $("jobs-error").textContent = "";
  try {
    if (action === "delete") {
      const choice = await askDelete(name, job.status);
      if (!choice) return;
      await api("DELETE", `/jobs/${encodeURIComponent(id)}?remove_run=${choice === "remove"}`);
      if (app.page && app.page.id === id) location.hash = "";
    } else {
      const view = await api("POST", `/jobs/${encodeURIComponent(id)}/${action}`);
      if (app.page && app.page.id === id) app.page.show(view);
    }
  } catch (error) {
    if (error.status === 404 && app.page && app.page.id === id) app.page.gone();
    else if (error.status === 404) report(`Job “${name}” no longer exists.`);
    else report(`Could not ${action} “${name}”: ${error.message}`);
  }
  refreshJobs();
}

async function refreshJobs() {
  let jobs;
  try {
    jobs = await api("GET", "/jobs");
    $("server-status").textContent = "";
  } catch (error) {
    $("server-status").textContent = `server: ${error.message}`;
    return;
  }
  renderJobs($("jobs").tBodies[0], jobs, (id, action, job) => act(id, action, job, false));
  $("no-jobs").hidden = jobs.length > 0;
  const page = app.page;
  if (page && page.state === "open" && !jobs.some((job) => job.id === page.id)) {
    // Not listed: gone, unless this list was asked for before the job existed. Ask it.
    api("GET", `/jobs/${encodeURIComponent(page.id)}`).catch((error) => {
      if (error.status === 404) page.gone();
    });
  }
}

function route() {
  const match = /^#job=(.+)$/.exec(location.hash);
  const hadFocus = $("job-section").contains(document.activeElement);
  if (app.page) app.page.close();
  app.page = null;
  if (!match) {
    if (hadFocus) $("jobs-heading").focus(); // e.g. after deleting the job from its page
    return;
  }
  $("form-section").hidden = true;
  app.page = new JobPage(decodeURIComponent(match[1]), app.eventTypes);
  const page = app.page;
  page.open().then(() => { // keyboard and screen reader users land on the job's title
    if (app.page === page && page.state !== "closed") $("job-title").focus({ preventScroll: true });
  });
}

async function main() {
  const options = await api("GET", "/options");
  app.eventTypes = options.event_types;
  const typeSelect = $("feed-filters").type;
  for (const type of app.eventTypes) typeSelect.add(new Option(type, type));
  await setUpForm((job) => {
    $("form-section").hidden = true;
    refreshJobs();
    location.hash = `#job=${encodeURIComponent(job.id)}`;
  });
  $("show-form").addEventListener("click", () => {
    $("form-section").hidden = false;
    $("job-form").name.focus();
  });
  $("cancel-form").addEventListener("click", () => { $("form-section").hidden = true; });
  for (const action of ["start", "pause", "resume", "stop", "delete"]) {
    $(`job-${action}`).addEventListener("click", () => {
      const page = app.page;
      if (page && page.state === "open") act(page.id, action, page.view || {}, true);
    });
  }
  const filters = $("feed-filters");
  const live = () => app.page && app.page.state === "open" && app.page.feed;
  const reload = () => live() && app.page.feed.load();
  filters.addEventListener("change", reload);
  filters.addEventListener("submit", (event) => { event.preventDefault(); reload(); });
  filters.addEventListener("reset", () => setTimeout(reload)); // after the fields are cleared
  $("feed-more").addEventListener("click", () => live() && app.page.feed.older());
  window.addEventListener("hashchange", route);
  route();
  await refreshJobs();
  setInterval(refreshJobs, REFRESH_MS);
  document.body.dataset.ready = "1";
}

main();
