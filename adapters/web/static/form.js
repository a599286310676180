// The new-job form: choices from /api/options, the request body, errors shown at their field.

import { api } from "./api.js";

let options = null;

function fill(select, values, labels = {}) {
  for (const value of values) {
    const option = document.createElement("option");
    option.value = value;
    option.textContent = labels[value] || value.replaceAll("_", " ");
    select.appendChild(option);
  }
}

function personRow(person) {
  const row = document.createElement("tr");
  row.className = "person";
  const cells = [
    `<input name="p-name" required>`,
    `<select name="p-role"></select>`,
    `<input name="p-timezone" list="zones">`,
    `<select name="p-hours"></select>`,
    `<select name="p-token"><option value="">default token / none</option></select>`,
    `<button type="button" class="secondary p-remove" title="Remove">✕</button>`,
  ];
  row.innerHTML = cells.map((c) => `<td>${c}</td>`).join("");
  row.querySelector("[name=p-token]").parentNode.dataset.takes = "tokens";
  fill(row.querySelector("[name=p-role]"), options.roles);
  fill(row.querySelector("[name=p-hours]"), Object.keys(options.hours_presets),
    Object.fromEntries(Object.entries(options.hours_presets).map(([k, v]) => [k, `${k} (${v})`])));
  fill(row.querySelector("[name=p-token]"), options.token_people);
  row.querySelector("[name=p-name]").value = person.name || "";
  row.querySelector("[name=p-role]").value = person.role || "individual_contributor";
  row.querySelector("[name=p-timezone]").value = person.timezone || "";
  row.querySelector("[name=p-hours]").value = options.hours_presets[person.hours] ? person.hours : "us";
  const email = (person.email || "").toLowerCase();
  if (options.token_people.includes(email)) row.querySelector("[name=p-token]").value = email;
  row.dataset.email = email;
  row.querySelector(".p-remove").addEventListener("click", () => {
    const table = row.parentNode;
    // Focus stays in the table (the next row's button, else the one before, else "Add
    // person"): removing its element would leave keyboard users back at the top of the page.
    const near = row.nextElementSibling || row.previousElementSibling;
    row.remove();
    labelPeople(table);
    (near ? near.querySelector(".p-remove") : document.getElementById("add-person")).focus();
  });
  return row;
}

// Each control in the people table is named by its column and row ("Person 2 time zone"): the
// column headers alone do not name inputs for screen readers. Renumbered when rows change.
const PERSON_FIELDS = [["p-name", "name"], ["p-role", "role"], ["p-timezone", "time zone"],
  ["p-hours", "hours"], ["p-token", "token"]];

function labelPeople(body) {
  [...body.querySelectorAll("tr.person")].forEach((row, i) => {
    for (const [name, what] of PERSON_FIELDS) {
      row.querySelector(`[name=${name}]`).setAttribute("aria-label", `Person ${i + 1} ${what}`);
    }
    const remove = row.querySelector(".p-remove");
    remove.setAttribute("aria-label", `Remove person ${i + 1}`);
    remove.title = `Remove person ${i + 1}`;
  });
}

// The target fields the chosen kind takes (the server's table): the others are hidden and
// disabled, so they are neither seen nor sent (the server would refuse them).
function takes(form) {
  return options.target_fields[form.target.value] || [];
}

function showTargetFields(form) {
  const taken = takes(form);
  for (const node of document.querySelectorAll("#job-form [data-takes]")) {
    const shown = taken.includes(node.dataset.takes);
    node.hidden = !shown;
    node.querySelectorAll("input, select").forEach((control) => { control.disabled = !shown; });
  }
}

// Called once, with the server's /api/options.
export function setUpForm(serverOptions, onCreated) {
  options = serverOptions;
  const form = document.getElementById("job-form");
  const d = options.default_scenario;
  fill(form.industry, options.industries);
  fill(form.activity, options.activity_levels);
  fill(form.hours, Object.keys(options.hours_presets));
  fill(form.mode, options.modes);
  fill(form.target, options.targets);
  form.industry.value = d.industry;
  form.activity.value = d.activity;
  form.start.value = d.start;
  form.timezone.value = d.timezone;
  form.seed.value = d.seed;
  const zones = document.getElementById("zones");
  for (const zone of Intl.supportedValuesOf ? Intl.supportedValuesOf("timeZone") : []) {
    const option = document.createElement("option");
    option.value = zone;
    zones.appendChild(option);
  }
  const people = document.querySelector("#people tbody");
  for (const person of d.people) people.appendChild(personRow(person));
  labelPeople(people);
  showTargetFields(form);
  form.target.addEventListener("change", () => showTargetFields(form));
  document.getElementById("add-person").addEventListener("click", () => {
    const row = personRow({ name: "", timezone: form.timezone.value });
    people.appendChild(row);
    labelPeople(people);
    showTargetFields(form);
    row.querySelector("[name=p-name]").focus();
  });
  form.burstiness.addEventListener("input", () => {
    form.querySelector("output[name=burstiness-out]").value = form.burstiness.value;
  });
  form.duration.addEventListener("change", () => { form.days.disabled = form.duration.value === "forever"; });
  // The speed follows the mode, as the API's default does: a backfill goes as fast as it can
  // (it takes nothing else), a continuous job is paced.
  form.mode.addEventListener("change", () => {
    if (form.mode.value === "backfill") form.speed.value = "max";
    else if (form.mode.value === "continuous" && form.speed.value === "max") form.speed.value = "realtime";
  });
  // One request at a time: a second click (or Enter) while the server checks the first (a
  // target is asked for up to 4 s) would create the job twice. The button says it is busy.
  const submit = document.getElementById("create-job");
  const idle = submit.textContent;
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    if (form.getAttribute("aria-busy") === "true") return;
    clearErrors(form);
    const unreadable = unreadableNumber(form);
    if (unreadable) {
      showError(form, unreadable);
      return;
    }
    form.setAttribute("aria-busy", "true");
    submit.setAttribute("aria-disabled", "true");
    submit.textContent = "Creating…";
    try {
      const job = await api("POST", "/jobs", body(form));
      onCreated(job);
    } catch (error) {
      showError(form, error);
    } finally {
      form.removeAttribute("aria-busy");
      submit.removeAttribute("aria-disabled");
      submit.textContent = idle;
    }
  });
}

// A number field whose text the browser cannot read as a number ("1e", "1e400", "--2") has an
// empty value: sent as such, the job would silently get the default. Say so at the field.
function unreadableNumber(form) {
  const input = [...form.querySelectorAll("input[type=number]")]
    .find((i) => !i.disabled && i.validity.badInput);
  if (!input) return null;
  const field = input.dataset.field;
  return { field, message: `${field}: cannot be read as a number; expected one such as ${input.defaultValue || 1}` };
}

function number(input) {
  return input.value === "" ? undefined : Number(input.value);
}

export function body(form) {
  const hours = form.hours.value;
  const tokens = {};
  const people = [...document.querySelectorAll("#people tr.person")].map((row) => {
    const person = {
      name: row.querySelector("[name=p-name]").value.trim(),
      role: row.querySelector("[name=p-role]").value,
      hours: hours || row.querySelector("[name=p-hours]").value,
    };
    const zone = row.querySelector("[name=p-timezone]").value.trim();
    if (zone) person.timezone = zone;
    if (row.dataset.email) person.email = row.dataset.email;
    const choice = row.querySelector("[name=p-token]");
    const token = choice.disabled ? "" : choice.value;
    if (token) tokens[row.dataset.email || token] = token;
    if (token && !row.dataset.email) person.email = token;
    return person;
  });
  const scenario = {
    industry: form.industry.value,
    seed: number(form.seed),
    start: form.start.value || undefined,
    timezone: form.timezone.value.trim(),
    days: number(form.days),
    activity: form.activity.value,
    rhythm: { burstiness: number(form.burstiness) },
    work: {
      completion_rate_per_week: number(form.completion),
      blocked_rate_per_week: number(form.blocked),
      blocked_days_mean: number(form.blocked_days),
      comments_per_task_per_day: number(form.comments),
      new_project_every_days: number(form.cadence),
    },
    people,
  };
  const name = form.name.value.trim();
  if (name) scenario.name = name;
  const speed = form.speed.value;
  // Only the fields the kind takes (the server refuses the others); blank ones left out.
  const target = { kind: form.target.value };
  for (const field of takes(form)) {
    if (field === "tokens") {
      if (Object.keys(tokens).length) target.tokens = tokens;
    } else if (form[field].value.trim()) {
      target[field] = form[field].value.trim();
    }
  }
  return {
    name,
    scenario,
    mode: form.mode.value,
    forever: form.duration.value === "forever",
    speed: speed === "realtime" || speed === "max" ? speed : Number(speed),
    target,
  };
}

function clearErrors(form) {
  form.querySelectorAll(".invalid").forEach((node) => {
    node.classList.remove("invalid");
    node.removeAttribute("aria-invalid");
    node.removeAttribute("aria-describedby");
  });
  form.querySelectorAll(".field-error").forEach((node) => node.remove());
  document.getElementById("form-error").textContent = "";
}

// The form's control for a field the server named: most carry it as data-field; a person's
// fields are in their row of the people table, a token reference in the row of its person.
function inputFor(form, field) {
  const alias = { "scenario.name": "name" }[field] || field;
  const input = form.querySelector(`[data-field="${CSS.escape(alias)}"]`);
  if (input) return input;
  // The people as a whole (none left, or no manager among them): the table's "Add person".
  if (field === "scenario.people") return document.getElementById("add-person");
  const rows = [...document.querySelectorAll("#people tr.person")];
  const person = /^scenario\.people\[(\d+)\](?:\.(\w+))?/.exec(field);
  if (person) {
    const row = rows[Number(person[1])];
    return row && (row.querySelector(`[name=p-${person[2]}]`) || row.querySelector("[name=p-name]"));
  }
  const token = /^target\.tokens\.(.+)$/.exec(field);
  if (token) {
    const email = token[1].toLowerCase();
    const row = rows.find((r) => r.dataset.email === email || r.querySelector("[name=p-token]").value === email);
    return row && row.querySelector("[name=p-token]");
  }
  return null;
}

// What the user sees a control called: its aria-label ("Person 3 time zone") or its label's text.
function nameOf(input) {
  if (input.dataset.fieldLabel) return input.dataset.fieldLabel; // a button standing for a group
  const label = input.closest("label");
  const text = label && [...label.childNodes].find((n) => n.nodeType === Node.TEXT_NODE && n.textContent.trim());
  return input.getAttribute("aria-label") || (text ? text.textContent.trim() : input.name);
}

// The server's message names the field by its API path ("scenario.work.blocked_rate_per_week: 2
// is out of range …"): the form says it with the field's label instead, at the bottom (read out
// at once) and next to the field itself (which it describes for screen readers).
function showError(form, error) {
  const alert = document.getElementById("form-error");
  alert.textContent = error.message;
  const input = error.field ? inputFor(form, error.field) : null;
  if (!input) return;
  const prefix = `${error.field}: `;
  const detail = error.message.startsWith(prefix) ? error.message.slice(prefix.length) : error.message;
  alert.textContent = `${nameOf(input)}: ${detail}`;
  const note = document.createElement("span");
  note.className = "field-error error";
  note.id = "field-error";
  note.textContent = detail;
  (input.closest("label") || input).after(note);
  input.classList.add("invalid");
  if (input.tagName !== "BUTTON") input.setAttribute("aria-invalid", "true");
  input.setAttribute("aria-describedby", "field-error");
  input.focus();
}
