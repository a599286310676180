// The dashboard: job list (polled, updated in place), job page (live feed over SSE, charts,
// controls), new-job form. Routes: "#" the list, "#job=ID" a job's page.

import { allowTokenPrompt, api } from "./api.js";
import { askDelete } from "./dialog.js";
import { setUpForm } from "./form.js";
import { JobPage } from "./jobpage.js";
import { renderJobs } from "./jobs.js";

const $ = (id) => document.getElementById(id);
const REFRESH_MS = 2000;
const app = { eventTypes: [], page: null, optionsLoaded: false, busy: new Set() };

// Steer a job from its row or its page (`job`: what it knows of the job's name and status);
// errors show where the action was asked for.
async function act(id, action, job, fromPage) {
  // One action per job at a time: a double click (or a second button) while the server
  // answers the first would send it twice, and the second then fails as a 409.
  if (app.busy.has(id)) return;
  const name = job.name || id;
  const onPage = fromPage && app.page && app.page.id === id;
  const report = (text) => (onPage ? app.page.problem(text) : ($("jobs-error").textContent = text));
  $("jobs-error").textContent = "";
  app.busy.add(id);
  markBusy(id, action, true);
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
  } finally {
    app.busy.delete(id);
    markBusy(id, action, false);
  }
  refreshJobs();
}

// While a job's action is under way its buttons (in its row and on its page) are marked
// unavailable and the one pressed busy; they keep the focus (a disabled button would drop it).
function markBusy(id, action, on) {
  const row = [...$("jobs").tBodies[0].rows].find((r) => r.dataset.job === id);
  const groups = [row && row.querySelector(".actions")];
  if (app.page && app.page.id === id) groups.push($("job-actions"));
  for (const group of groups) {
    if (!group) continue;
    for (const button of group.querySelectorAll("button")) {
      const pressed = (button.dataset.action || button.id.replace("job-", "")) === action;
      if (on) button.setAttribute("aria-disabled", "true");
      else button.removeAttribute("aria-disabled");
      if (on && pressed) button.setAttribute("aria-busy", "true");
      else button.removeAttribute("aria-busy");
    }
  }
}

async function refreshJobs() {
  let jobs;
  try {
    jobs = await api("GET", "/jobs");
    $("server-status").textContent = "";
  } catch (error) {
    // No status: no answer at all (the browser's own words, "Failed to fetch", say nothing).
    $("server-status").textContent = error.status
      ? `server: ${error.message}`
      : "The server does not answer (stopped, or restarting?): trying again every 2 seconds.";
    if (error.status === 401) showPageProblem(error); // e.g. the server restarted with another token
    return;
  }
  if (app.optionsLoaded) $("app-alert").hidden = true; // a token problem has been solved
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

// The job id in "#job=ID". A link mangled on its way (a bare "%", as in "#job=100%") cannot be
// decoded: it is taken as written, and the job page then says there is no such job.
function jobIdOf(hash) {
  const match = /^#job=(.+)$/.exec(hash);
  if (!match) return null;
  try {
    return decodeURIComponent(match[1]);
  } catch {
    return match[1];
  }
}

function route() {
  const id = jobIdOf(location.hash);
  const hadFocus = $("job-section").contains(document.activeElement);
  if (app.page) app.page.close();
  app.page = null;
  if (id === null) {
    if (hadFocus) $("jobs-heading").focus(); // e.g. after deleting the job from its page
    return;
  }
  $("form-section").hidden = true;
  app.page = new JobPage(id, app.eventTypes);
  const page = app.page;
  page.open().then(() => { // keyboard and screen reader users land on the job's title
    if (app.page === page && page.state !== "closed") $("job-title").focus({ preventScroll: true });
  });
}

// A problem of the whole page (the server's options could not be loaded, or it wants an API
// token it was not given) shows at the top, with a button that tries again: the job list and
// job pages go on working where they can.
function showPageProblem(error) {
  const message = document.createElement("p");
  const retry = document.createElement("button");
  retry.type = "button";
  if (error.status === 401) {
    message.textContent = "This server needs its API token (busywork serve --api-token): " +
      "without it, nothing can be shown.";
    retry.textContent = "Enter the API token";
  } else {
    message.textContent =
      `Could not load the server's options, which the new-job form needs: ${error.message}`;
    retry.textContent = "Retry";
  }
  retry.addEventListener("click", retryStart);
  const box = $("app-alert");
  // The list asks every two seconds: the same problem again must not be read out again, nor
  // take the focus off its button.
  if (!box.hidden && box.firstChild && box.firstChild.textContent === message.textContent) return;
  box.replaceChildren(message, retry);
  box.hidden = false;
}

// The choices of the form and of the feed's type filter, once. Resolves to false when the
// server could not give them (the page says why, and how to try again).
async function loadOptions() {
  if (app.optionsLoaded) return true;
  let options;
  try {
    options = await api("GET", "/options");
  } catch (error) {
    showPageProblem(error);
    return false;
  }
  if (!app.optionsLoaded) { // a second request may have answered meanwhile
    app.optionsLoaded = true;
    useOptions(options);
  }
  $("app-alert").hidden = true;
  return true;
}

function useOptions(options) {
  app.eventTypes.push(...options.event_types); // in place: an open job page holds this array
  const typeSelect = $("feed-filters").type;
  for (const type of options.event_types) typeSelect.add(new Option(type, type));
  setUpForm(options, (job) => {
    $("form-section").hidden = true;
    refreshJobs();
    location.hash = `#job=${encodeURIComponent(job.id)}`;
  });
}

// The Retry button: a user who cancelled the token prompt is asked again.
async function retryStart() {
  allowTokenPrompt();
  const loaded = await loadOptions();
  await refreshJobs();
  if (loaded && app.page && app.page.state === "loading") route(); // its first load failed too
}

async function showForm() {
  allowTokenPrompt();
  if (!(await loadOptions())) return; // an empty form would only fail; the problem shows on top
  $("form-section").hidden = false;
  $("job-form").name.focus();
}

function listenToControls() {
  $("show-form").addEventListener("click", showForm);
  $("cancel-form").addEventListener("click", () => { // focus back where the form was opened
    $("form-section").hidden = true;
    $("show-form").focus();
  });
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
}

// Nothing here may stop the page from starting: a failure to load the options shows with a
// way to retry, and the job list and the job page load (and show their errors) without them.
async function main() {
  listenToControls();
  await loadOptions();
  route();
  await refreshJobs();
  setInterval(refreshJobs, REFRESH_MS);
  document.body.dataset.ready = "1";
}

main();
