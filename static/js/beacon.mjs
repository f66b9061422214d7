// Beacon's one script: mark the page as able to run GOV.UK Frontend, then start its components.
// An external module rather than GOV.UK's inline snippet, so the Content Security Policy can forbid
// inline script. Module scripts only run in browsers GOV.UK Frontend supports, so both classes go on.
import { initAll } from "../vendor/govuk/govuk-frontend.min.js";

// --- Drafts of long forms (apps/accounts/drafts.py) ---------------------------------------------------
// {% form_draft %} puts a marker straight before a long form, and, when the person has a draft of it,
// the draft's fields and a hidden banner. Inputs that must never be kept are not read or written.
const NEVER_KEPT = new Set(["password", "hidden", "file", "submit", "button", "reset", "image"]);

function draftForm() {
  const marker = document.querySelector("[data-form-draft]");
  const form = marker && marker.nextElementSibling;
  return form instanceof HTMLFormElement ? { key: marker.dataset.formDraft, form } : null;
}

function keptElements(form) {
  return Array.from(form.elements).filter(
    (element) =>
      element.name && !NEVER_KEPT.has(element.type) && element.autocomplete !== "one-time-code",
  );
}

// The form's fields as { name: [values] }; a checkbox group with none ticked is kept as [] so that
// restoring it unticks them.
function formFields(form) {
  const fields = {};
  for (const element of keptElements(form)) {
    const values = (fields[element.name] ??= []);
    if (element.type === "checkbox" || element.type === "radio") {
      if (element.checked) values.push(element.value);
    } else if (element.type === "select-multiple") {
      values.push(...Array.from(element.selectedOptions, (option) => option.value));
    } else {
      values.push(element.value);
    }
  }
  return fields;
}

// Put the person's draft back into the form, then show the banner saying so. Before GOV.UK Frontend
// starts, so conditional reveals open for the answers restored.
function restoreDraft(draft) {
  const source = document.getElementById("form-draft-fields");
  const banner = document.getElementById("form-draft-restored");
  if (!draft || !source || !banner) return;
  const fields = JSON.parse(source.textContent);
  const seen = {};
  for (const element of keptElements(draft.form)) {
    const values = fields[element.name];
    if (!Array.isArray(values)) continue;
    if (element.type === "checkbox" || element.type === "radio") {
      element.checked = values.includes(element.value);
    } else if (element.type === "select-multiple") {
      for (const option of element.options) option.selected = values.includes(option.value);
    } else {
      // Several boxes may share a name (rows of a table): each takes the next value in turn.
      const index = seen[element.name] ?? 0;
      seen[element.name] = index + 1;
      if (index < values.length) element.value = values[index];
    }
  }
  banner.hidden = false;
}

const draft = draftForm();
restoreDraft(draft);

document.body.classList.add("js-enabled", "govuk-frontend-supported");
initAll();

// --- Session lifetime ---------------------------------------------------------------------------------
// The server ends a signed-in session after a time without a request (apps.core.middleware.
// SessionSecurityMiddleware) and is the authority on it. Typing counts as activity: an input, change or
// keydown tells the server, at most once every data-session-keep-alive-seconds, with a POST to the keep-alive
// view, which also keeps a long form's draft. Each answer (and each htmx request) restarts the timers here:
// a warning two minutes before the end, then a reload at the end, so the server shows the sign-in page with
// a message and a screen left open does not keep showing a child's details. Signing in again comes back to
// the form, with the draft restored.
const WARNING_SECONDS = 120;

function csrfToken() {
  try {
    return JSON.parse(document.body.getAttribute("hx-headers"))["X-CSRFToken"];
  } catch {
    return "";
  }
}

function startSessionKeepAlive() {
  const idleSeconds = Number(document.body.dataset.sessionIdleSeconds);
  const keepAliveUrl = document.body.dataset.sessionKeepAliveUrl;
  const keepAliveSeconds = Number(document.body.dataset.sessionKeepAliveSeconds) || 60;
  const warning = document.getElementById("session-timeout-warning");
  const stayButton = document.getElementById("session-stay-signed-in");
  if (!idleSeconds || !keepAliveUrl || !warning || !stayButton) return;

  let warnTimer;
  let endTimer;
  let sendTimer = null;
  let inFlight = null;
  let lastContact = Date.now();
  let draftChanged = false;
  let submitted = false;

  const reload = () => window.location.assign(window.location.href);
  const restart = () => {
    lastContact = Date.now();
    clearTimeout(warnTimer);
    clearTimeout(endTimer);
    warning.hidden = true;
    warnTimer = setTimeout(() => {
      warning.hidden = false;
      stayButton.focus();
    }, Math.max(idleSeconds - WARNING_SECONDS, 0) * 1000);
    // A second's grace, so the server has certainly passed the limit when the page reloads.
    endTimer = setTimeout(reload, (idleSeconds + 1) * 1000);
  };

  const keepAlive = async () => {
    clearTimeout(sendTimer);
    sendTimer = null;
    const body = new FormData();
    if (draft && draftChanged && !submitted) {
      body.append("draft_key", draft.key);
      body.append("draft", JSON.stringify(formFields(draft.form)));
    }
    let response;
    try {
      // redirect "manual": if the session has already ended, the sign-in page (and its message) is
      // left for the reload to show rather than being fetched here unseen.
      inFlight = fetch(keepAliveUrl, {
        method: "POST",
        body,
        credentials: "same-origin",
        redirect: "manual",
        headers: { "X-CSRFToken": csrfToken() },
      });
      response = await inFlight;
    } catch {
      return; // The network failed: the next keystroke tries again, and the warning still comes.
    } finally {
      inFlight = null;
    }
    // 400: the session was kept but the draft was refused (too long); nothing more to do here.
    if (response.status === 204 || response.status === 400) restart();
    else reload();
  };

  const activity = (event) => {
    if (draft && event.type !== "keydown" && draft.form.contains(event.target)) draftChanged = true;
    if (sendTimer !== null || submitted) return;
    const wait = Math.max(lastContact + keepAliveSeconds * 1000 - Date.now(), 0);
    sendTimer = setTimeout(keepAlive, wait);
  };
  for (const type of ["input", "change", "keydown"]) document.addEventListener(type, activity, true);

  if (draft) {
    // Once the form is sent, no draft of it may be saved again (it would come back on the next visit):
    // stop sending, and let a keep-alive already on its way finish first.
    draft.form.addEventListener("submit", (event) => {
      submitted = true;
      clearTimeout(sendTimer);
      sendTimer = null;
      if (inFlight) {
        event.preventDefault();
        const submitter = event.submitter;
        inFlight.finally(() => draft.form.requestSubmit(submitter));
      }
    });
  }

  stayButton.addEventListener("click", keepAlive);
  document.body.addEventListener("htmx:afterRequest", restart);
  restart();
}

startSessionKeepAlive();
