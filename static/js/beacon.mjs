// Beacon's one script: mark the page as able to run GOV.UK Frontend, then start its components.
// An external module rather than GOV.UK's inline snippet, so the Content Security Policy can forbid
// inline script. Module scripts only run in browsers GOV.UK Frontend supports, so both classes go on.
import { initAll } from "../vendor/govuk/govuk-frontend.min.js";

document.body.classList.add("js-enabled", "govuk-frontend-supported");
initAll();

// Warn two minutes before a signed-in session ends for want of activity (the server ends it:
// apps.core.middleware.SessionSecurityMiddleware). Any request moves the end on, so page loads start
// the timer afresh and htmx requests restart it. At the end the page reloads, and the server shows the
// sign-in page with a message, so a screen left open does not keep showing a child's details.
const WARNING_SECONDS = 120;

function startSessionTimeoutWarning() {
  const idleSeconds = Number(document.body.dataset.sessionIdleSeconds);
  const keepAliveUrl = document.body.dataset.sessionKeepAliveUrl;
  const warning = document.getElementById("session-timeout-warning");
  const stayButton = document.getElementById("session-stay-signed-in");
  if (!idleSeconds || !keepAliveUrl || !warning || !stayButton) return;

  let warnTimer;
  let endTimer;
  const restart = () => {
    clearTimeout(warnTimer);
    clearTimeout(endTimer);
    warning.hidden = true;
    warnTimer = setTimeout(() => {
      warning.hidden = false;
      stayButton.focus();
    }, Math.max(idleSeconds - WARNING_SECONDS, 0) * 1000);
    // A second's grace, so the server has certainly passed the limit when the page reloads.
    endTimer = setTimeout(() => window.location.assign(window.location.href), (idleSeconds + 1) * 1000);
  };

  stayButton.addEventListener("click", async () => {
    // redirect "manual": if the session has already ended, the sign-in page (and its message) is
    // left for the reload to show rather than being fetched here unseen.
    const response = await fetch(keepAliveUrl, { credentials: "same-origin", redirect: "manual" });
    if (response.status === 204) {
      restart();
    } else {
      window.location.assign(window.location.href);
    }
  });
  document.body.addEventListener("htmx:afterRequest", restart);
  restart();
}

startSessionTimeoutWarning();
