// Beacon's one script: mark the page as able to run GOV.UK Frontend, then start its components.
// An external module rather than GOV.UK's inline snippet, so the Content Security Policy can forbid
// inline script. Module scripts only run in browsers GOV.UK Frontend supports, so both classes go on.
import { initAll } from "../vendor/govuk/govuk-frontend.min.js";

document.body.classList.add("js-enabled", "govuk-frontend-supported");
initAll();
