// mock-carriers dashboard. Each [data-fragment] element is filled with HTML the server renders from
// the admin API's answers (every value escaped there), and refreshed by polling; every change is
// sent to the admin API itself, as JSON, with the admin token when the server has one. Problems are
// shown as the admin API words them. No framework and no build step; text goes in with textContent.
"use strict";
(() => {
  const PREFIX = document.body.dataset.prefix; // "/__admin/ui"
  const ADMIN = PREFIX.replace(/\/ui$/, ""); // "/__admin"
  const NS = document.body.dataset.ns;
  const TOKEN_KEY = "mock-carriers.admin-token";
  const MAX_ENTRIES = 1000;
  const main = document.getElementById("main");
  const panel = document.getElementById("token-panel");
  const forget = document.getElementById("forget-token");
  const statusLine = document.getElementById("status");
  let waitingForToken = false;

  const token = () => sessionStorage.getItem(TOKEN_KEY);
  const say = (text, problem) => {
    statusLine.textContent = text;
    statusLine.classList.toggle("problem", Boolean(problem));
  };

  function authorization(extra) {
    const headers = { ...extra };
    if (token()) headers.Authorization = "Bearer " + token();
    return headers;
  }

  async function parsed(response) {
    const text = await response.text();
    try {
      return text ? JSON.parse(text) : {};
    } catch (_) {
      return text;
    }
  }

  // One admin API call: {ok, status, data} (data: the JSON answer, or its text).
  async function send(method, path, body, type) {
    const init = { method, credentials: "same-origin", headers: authorization(body === undefined ? {} : { "Content-Type": type || "application/json" }) };
    if (body !== undefined) init.body = typeof body === "string" ? body : JSON.stringify(body);
    let response;
    try {
      response = await fetch(ADMIN + path, init);
    } catch (error) {
      return { ok: false, status: 0, data: { message: "the server did not answer (" + error.message + ")" } };
    }
    const data = await parsed(response);
    if (response.status === 401) askForToken(data);
    return { ok: response.ok, status: response.status, data };
  }

  async function fetchFragment(url) {
    let response;
    try {
      response = await fetch(url, { credentials: "same-origin", headers: authorization({}) });
    } catch (error) {
      return { ok: false, status: 0, data: { message: "the server did not answer (" + error.message + ")" } };
    }
    if (response.ok) return { ok: true, status: response.status, text: await response.text(), response };
    const data = await parsed(response);
    if (response.status === 401) askForToken(data);
    return { ok: false, status: response.status, data };
  }

  function problemText(result) {
    const data = result.data || {};
    const message = typeof data === "string" ? data : data.message || "no message";
    return "The admin API answered " + (result.status || "nothing") + ": " + message;
  }

  // --- the admin token: asked once, kept for this tab only ---------------------------------------
  function askForToken(data) {
    if (waitingForToken) return;
    waitingForToken = true;
    document.getElementById("token-problem").textContent = token()
      ? "The server refused that token: " + ((data && data.message) || "try again") : "";
    panel.hidden = false;
    main.hidden = true; // nothing is shown without the token
    document.getElementById("token-input").focus();
  }

  document.getElementById("token-form").addEventListener("submit", (event) => {
    event.preventDefault();
    const input = document.getElementById("token-input");
    sessionStorage.setItem(TOKEN_KEY, input.value);
    input.value = "";
    waitingForToken = false;
    panel.hidden = true;
    main.hidden = false;
    forget.hidden = false;
    refreshAll(true);
  });

  forget.addEventListener("click", () => {
    sessionStorage.removeItem(TOKEN_KEY);
    location.reload();
  });

  // --- fragments -----------------------------------------------------------------------------------
  function fragmentUrl(element, extra) {
    const params = new URLSearchParams({ ns: NS });
    const filters = element.dataset.filtersForm && document.getElementById(element.dataset.filtersForm);
    if (filters) for (const [key, value] of new FormData(filters)) if (value) params.set(key, value);
    for (const [key, value] of Object.entries(extra || {})) params.set(key, value);
    return PREFIX + "/fragments/" + element.dataset.fragment + "?" + params;
  }

  function showFragmentProblem(element, result) {
    if (result.status === 401) {
      element.textContent = "";
      return;
    }
    const problem = document.createElement("p");
    problem.className = "problem";
    problem.setAttribute("role", "alert");
    problem.textContent = problemText(result);
    element.replaceChildren(problem);
  }

  // One load at a time per element; a full reload asked for meanwhile (new filters) runs after it.
  const loading = new WeakSet();
  const fullAgain = new WeakSet();
  async function load(element, full) {
    if (waitingForToken) return;
    if (loading.has(element)) {
      if (full) fullAgain.add(element);
      return;
    }
    loading.add(element);
    try {
      if (element.dataset.mode === "append") await loadNewer(element, full);
      else await loadWhole(element);
    } finally {
      loading.delete(element);
      if (fullAgain.delete(element)) load(element, true);
    }
  }

  // Replace the element's content, keeping open <details>, the selected option and the focus.
  async function loadWhole(element) {
    const result = await fetchFragment(fragmentUrl(element));
    if (!result.ok) return showFragmentProblem(element, result);
    if (result.text === element.dataset.shown) return;
    const open = [...element.querySelectorAll("details[open][id]")].map((details) => details.id);
    const focused = element.contains(document.activeElement) ? document.activeElement : null;
    const focusKey = focused && (focused.id || focused.dataset.path);
    const selected = element.tagName === "SELECT" ? element.value : null;
    element.innerHTML = result.text; // rendered and escaped by the server
    element.dataset.shown = result.text;
    for (const id of open) {
      const details = document.getElementById(id);
      if (details) details.open = true;
    }
    if (selected) element.value = selected;
    if (focusKey) {
      const again = [...element.querySelectorAll("[id], [data-path]")].find((node) => node.id === focusKey || node.dataset.path === focusKey);
      if (again) again.focus();
    }
  }

  // The traffic view: only what is new since the newest entry shown goes on top.
  async function loadNewer(element, full) {
    const since = full ? 0 : Number(element.dataset.since || 0);
    const result = await fetchFragment(fragmentUrl(element, { since }));
    if (!result.ok) return showFragmentProblem(element, result);
    const last = Number(result.response.headers.get("X-Journal-Last-Id"));
    if (!full && last < since) return loadNewer(element, true); // the namespace was reset
    const newest = result.response.headers.get("X-Journal-Newest");
    element.dataset.since = newest || String(since);
    if (full) {
      element.innerHTML = result.text; // rendered and escaped by the server
      if (!result.text.trim()) {
        const empty = document.createElement("p");
        empty.className = "empty";
        empty.textContent = "No requests in " + NS + " yet (or none that the filters let through).";
        element.replaceChildren(empty);
      }
      return;
    }
    if (!result.text.trim()) return;
    const empty = element.querySelector(":scope > .empty");
    if (empty) empty.remove();
    element.insertAdjacentHTML("afterbegin", result.text);
    const entries = element.querySelectorAll(":scope > details");
    for (let index = MAX_ENTRIES; index < entries.length; index++) entries[index].remove();
    say("New requests in " + NS + ", up to #" + element.dataset.since + ".");
  }

  function refreshAll(full) {
    for (const element of document.querySelectorAll("[data-fragment]")) load(element, full);
  }

  // An entry's request and response are fetched when it is opened.
  document.addEventListener(
    "toggle",
    async (event) => {
      const details = event.target;
      if (!(details instanceof HTMLDetailsElement) || !details.open || !details.dataset.detail || details.dataset.loaded) return;
      const target = details.querySelector("[data-detail-body]");
      const result = await fetchFragment(PREFIX + "/fragments/" + details.dataset.detail);
      if (result.ok) {
        target.innerHTML = result.text; // rendered and escaped by the server
        details.dataset.loaded = "yes";
      } else {
        target.textContent = problemText(result);
      }
    },
    true,
  );

  // --- forms and buttons: changes go to the admin API ----------------------------------------------
  function value(field) {
    const raw = field.value.trim();
    if (raw === "") return undefined;
    switch (field.dataset.type) {
      case "integer":
      case "number":
      case "duration":
        return /^-?\d+(\.\d+)?$/.test(raw) ? Number(raw) : raw; // other text goes as it is: the admin API says what is wrong
      case "boolean":
        return raw === "true" ? true : raw === "false" ? false : raw;
      case "list":
        return raw.split(",").map((item) => item.trim()).filter(Boolean);
      default:
        return raw;
    }
  }

  function said(template, data) {
    return template.replace(/\{(\w+)\}/g, (_, key) => {
      const found = data && typeof data === "object" ? data[key] : undefined;
      if (found === true) return key;
      if (found === false) return "not " + key;
      if (Array.isArray(found)) return String(found.length);
      if (found && typeof found === "object") return found.now || JSON.stringify(found);
      return found === undefined || found === null ? "-" : String(found);
    });
  }

  function clearProblems(form) {
    for (const note of form.querySelectorAll(".field-problem")) note.remove();
    for (const field of form.querySelectorAll("[aria-invalid]")) {
      field.removeAttribute("aria-invalid");
      const hints = (field.getAttribute("aria-describedby") || "").split(" ").filter((id) => id && !id.startsWith("problem-"));
      if (hints.length) field.setAttribute("aria-describedby", hints.join(" "));
      else field.removeAttribute("aria-describedby");
    }
    const out = form.querySelector("[data-result]");
    out.textContent = "";
    out.classList.remove("problem");
  }

  function markField(form, name, messages) {
    const field = form.elements.namedItem(name);
    if (!field || !field.setAttribute) return;
    const note = document.createElement("span");
    note.className = "field-problem";
    note.id = "problem-" + (form.id || "form") + "-" + name;
    note.textContent = messages.join(" ");
    field.setAttribute("aria-invalid", "true");
    field.setAttribute("aria-describedby", ((field.getAttribute("aria-describedby") || "") + " " + note.id).trim());
    field.after(note);
  }

  function showProblem(form, result) {
    const out = form.querySelector("[data-result]");
    out.classList.add("problem");
    const head = document.createElement("p");
    head.textContent = problemText(result);
    out.replaceChildren(head);
    const fields = (result.data && result.data.fields) || {};
    if (Object.keys(fields).length) {
      const list = document.createElement("ul");
      for (const [name, messages] of Object.entries(fields)) {
        const item = document.createElement("li");
        item.textContent = name + ": " + messages.join(" ");
        list.append(item);
        markField(form, name, messages);
      }
      out.append(list);
    }
    const first = form.querySelector("[aria-invalid='true']");
    if (first) first.focus();
  }

  function report(form, result, template) {
    if (!result.ok) return showProblem(form, result);
    form.querySelector("[data-result]").textContent = said(template || "Done.", result.data);
    refreshAll(false);
  }

  async function submitCall(form, submitter) {
    const method = (submitter && submitter.dataset.call) || form.dataset.call;
    let path = (submitter && submitter.dataset.path) || form.dataset.path;
    const body = { ...JSON.parse(form.dataset.json || "{}"), ...JSON.parse((submitter && submitter.dataset.json) || "{}") };
    const inPath = { ns: NS };
    for (const field of form.elements) {
      if (!field.name || field.disabled || field.type === "file") continue;
      if (field.hasAttribute("data-path-only")) {
        if (!field.value.trim()) return showProblem(form, { status: 0, data: { message: "say which", fields: { [field.name]: ["required"] } } });
        inPath[field.name] = field.value.trim();
        continue;
      }
      const found = value(field);
      if (found !== undefined) body[field.name] = found;
    }
    path = path.replace(/\{(\w+)\}/g, (_, key) => encodeURIComponent(inPath[key] || ""));
    const result = await send(method, path, body);
    report(form, result, (submitter && submitter.dataset.done) || form.dataset.done);
  }

  async function applyScenario(form) {
    let text;
    let namespace = form.elements.namespace.value.trim();
    if (form.dataset.scenario === "shipped") {
      const option = form.elements.scenario.selectedOptions[0];
      if (!option) return showProblem(form, { status: 0, data: { message: "no shipped scenario chosen", fields: { scenario: ["required"] } } });
      const shipped = await send("GET", "/scenarios/" + encodeURIComponent(option.value));
      if (!shipped.ok) return showProblem(form, shipped);
      text = shipped.data;
      namespace = namespace || option.dataset.namespace;
    } else {
      const file = form.elements.file.files[0];
      if (!file) return showProblem(form, { status: 0, data: { message: "no file chosen", fields: { file: ["required"] } } });
      text = await file.text();
    }
    if (!namespace) return showProblem(form, { status: 0, data: { message: "say which", fields: { namespace: ["required"] } } });
    const result = await send("POST", "/namespaces/" + encodeURIComponent(namespace) + "/scenario", text, "application/yaml");
    report(form, result, form.dataset.done);
  }

  document.addEventListener("submit", async (event) => {
    const form = event.target;
    if (form.matches("[data-filters]")) {
      event.preventDefault();
      for (const element of document.querySelectorAll("[data-filters-form='" + form.id + "']")) load(element, true);
      return;
    }
    if (!form.dataset.call && !form.dataset.scenario) return; // the namespace picker: an ordinary GET
    event.preventDefault();
    clearProblems(form);
    if (form.dataset.scenario) await applyScenario(form);
    else await submitCall(form, event.submitter);
  });

  document.addEventListener("change", (event) => {
    const form = event.target.form;
    if (form && form.matches("[data-filters]") && event.target.id !== "live") form.requestSubmit();
  });

  document.addEventListener("click", async (event) => {
    const button = event.target.closest("button[data-call]");
    if (!button || button.form) return; // a form's own buttons go through its submit
    if (button.dataset.confirm && !confirm(button.dataset.confirm)) return;
    const result = await send(button.dataset.call, button.dataset.path, button.dataset.json ? JSON.parse(button.dataset.json) : undefined);
    say(result.ok ? said(button.dataset.done || "Done.", result.data) : problemText(result), !result.ok);
    if (result.ok) refreshAll(false);
  });

  // --- the fault form: each effect shows its own parameters and matchers (from the contract) -----
  const effect = document.getElementById("fault-effect");
  if (effect) {
    const showEffect = () => {
      const option = effect.selectedOptions[0];
      let parameters = 0;
      for (const field of effect.form.querySelectorAll("p.field[data-effects], p.field[data-matches]")) {
        const shown =
          (!field.dataset.effects || field.dataset.effects.split(" ").includes(effect.value)) &&
          (!field.dataset.matches || field.dataset.matches === option.dataset.matches);
        field.hidden = !shown;
        for (const control of field.querySelectorAll("input, select")) control.disabled = !shown;
        if (shown && field.dataset.effects) parameters++;
      }
      effect.form.querySelector("[data-no-parameters]").hidden = parameters > 0;
    };
    effect.addEventListener("change", showEffect);
    showEffect();
  }

  // --- start --------------------------------------------------------------------------------------
  for (const form of document.querySelectorAll("form[data-call], form[data-scenario]")) form.noValidate = true;
  forget.hidden = !token();
  for (const element of document.querySelectorAll("[data-fragment]")) {
    load(element, true);
    if (!element.dataset.poll) continue;
    const live = element.dataset.live && document.getElementById(element.dataset.live);
    setInterval(() => {
      if (!document.hidden && (!live || live.checked)) load(element, false);
    }, Number(element.dataset.poll));
  }
})();
