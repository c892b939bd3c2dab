// End-to-end test of the web page in Debian's Chromium, driven by Playwright (playwright-core,
// no bundled browser). run.sh starts the server on a free port with a small list and an
// analyst key, then runs this with EMBARGO_URL, EMBARGO_KEY and OUT_DIR set. The page is used
// the way an analyst would, mostly from the keyboard: give the key, search, open a result,
// decide its alert as a false positive; the API then confirms the decision, and screenshots go
// to OUT_DIR. Every request the page makes must go to the server itself (the page works
// offline), and the console must stay free of errors (a CSP violation would show there).
// Exit status: 0 passed, 1 failed, 77 Chromium cannot start (the test is skipped).
"use strict";
const fs = require("fs");
const os = require("os");
const path = require("path");
const { chromium } = require("playwright-core");

const base = process.env.EMBARGO_URL;
const key = process.env.EMBARGO_KEY;
const outDir = process.env.OUT_DIR || ".";
const executablePath = process.env.CHROMIUM || "/usr/bin/chromium";
let passed = 0, failed = 0;

function check(desc, cond, detail) {
  if (cond) { passed++; console.log("ok   " + desc); }
  else { failed++; console.log("FAIL " + desc + (detail !== undefined ? " (" + detail + ")" : "")); }
}

async function main() {
  if (!base || !key) throw new Error("set EMBARGO_URL and EMBARGO_KEY");
  fs.mkdirSync(outDir, { recursive: true });
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), "embargo-chromium-"));
  let context;
  try {
    context = await chromium.launchPersistentContext(profile, {
      executablePath,
      headless: true,
      args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"],
      viewport: { width: 1280, height: 900 },
      timeout: 60000,
    });
  } catch (err) {
    fs.rmSync(profile, { recursive: true, force: true });
    console.log("SKIP: Chromium cannot start (" + executablePath + "): " + String(err.message).split("\n")[0]);
    process.exit(77);
  }
  try {
    await run(context);
  } finally {
    await context.close();
    fs.rmSync(profile, { recursive: true, force: true });
  }
}

async function run(context) {
  const page = context.pages()[0] || (await context.newPage());
  page.setDefaultTimeout(30000);
  const foreign = [], consoleErrors = [];
  // the page must not reach beyond the server: refuse anything else and remember it
  await context.route("**/*", (route) => {
    const u = route.request().url();
    if (u.startsWith(base)) return route.continue();
    foreign.push(u);
    return route.abort();
  });
  page.on("console", (m) => { if (m.type() === "error" && !/401 \(Unauthorized\)/.test(m.text())) consoleErrors.push(m.text()); });
  page.on("pageerror", (e) => consoleErrors.push(String(e)));

  await page.goto(base + "/");
  check("the page loads", (await page.title()).includes("embargo"));

  // the server has keys: the page asks for one
  await page.locator("#key-form").waitFor({ state: "visible" });
  check("the key form has focus", await page.evaluate(() => document.activeElement.id === "api-key"));
  await page.keyboard.type(key);
  await page.keyboard.press("Enter");
  await page.locator("#who", { hasText: "signed in as" }).waitFor();
  check("signed in as the analyst", (await page.textContent("#who")).includes("analyst"), await page.textContent("#who"));
  await page.locator("#lists-summary", { hasText: "ofac-sdn" }).waitFor();
  check("the header shows the list version and last update",
    /ofac-sdn v\d+ .* entities .* last update \d{4}-\d\d-\d\d/.test(await page.textContent("#lists-summary")),
    await page.textContent("#lists-summary"));

  // search from the keyboard, with the optional fields
  check("after the key, the search box has focus", await page.evaluate(() => document.activeElement.id === "q-name"));
  await page.focus("#tab-lists");
  await page.keyboard.press("/");
  check("/ focuses the search box", await page.evaluate(() => document.activeElement.id === "q-name"));
  await page.keyboard.type("Reza Ahmad Karimi");
  await page.click("#more-fields summary");
  await page.fill("#q-ref", "C-BROWSER-1");
  await page.selectOption("#q-type", "person");
  await page.focus("#q-name");
  await page.keyboard.press("Enter");
  await page.locator("#results .result-button").first().waitFor();
  const status = await page.textContent("#screen-status");
  check("the status names the matches, lists and screening", /1 match for “Reza Ahmad Karimi” against ofac-sdn v\d+ .*screening #\d+, 1 alert opened/.test(status), status);
  const first = page.locator("#results .result-button").first();
  check("the score is shown", (await first.locator(".score-text").textContent()) === "1.000");
  const marks = await first.locator("mark").allTextContents();
  check("the aligned tokens are highlighted", ["KARIMI", "Reza", "Ahmad"].every((w) => marks.includes(w)), marks.join(","));
  check("programs and alert are on the result", /SDGT/.test(await first.textContent()) && /alert #\d+ opened/.test(await first.textContent()));
  await page.screenshot({ path: path.join(outDir, "search.png"), fullPage: true });

  // open the result with the keyboard
  await first.focus();
  await page.keyboard.press("Enter");
  await page.locator("#detail h3").waitFor();
  const detail = await page.textContent("#detail");
  check("the detail shows the entity", (await page.textContent("#detail h3")) === "KARIMI, Reza Ahmad");
  check("the detail shows programs, birth date and nationality", /SDGT/.test(detail) && /12 Mar 1965/.test(detail) && /Iran/.test(detail), detail.slice(0, 300));
  check("the detail explains the alignment", (await page.locator("#detail table.tokens tbody tr").count()) >= 3);
  check("the detail has focus", await page.evaluate(() => document.activeElement.id === "detail"));
  await page.screenshot({ path: path.join(outDir, "result.png"), fullPage: true });

  // the alert queue: a false positive needs a reason
  await page.click("#tab-alerts");
  const row = page.locator("#alert-table tbody tr", { hasText: "C-BROWSER-1" });
  await row.waitFor();
  const alertId = await row.getAttribute("data-alert");
  check("the alert is in the open queue", !!alertId);
  await page.screenshot({ path: path.join(outDir, "queue.png"), fullPage: true });
  await row.locator("button", { hasText: "False positive" }).click();
  check("a false positive without a reason is refused", /needs a reason/.test(await page.textContent("#alerts-status")));
  const focused = await page.evaluate(() => document.activeElement.getAttribute("aria-label") || "");
  check("the reason field gets focus", focused === "Reason for alert " + alertId, focused);
  await row.locator("input").fill("born 1990 in Shiraz, another person");
  await row.locator("button", { hasText: "False positive" }).click();
  await page.locator("#alerts-status", { hasText: "decided: false positive" }).waitFor();
  // The queue reloads after the decision: wait for the row to go (bounded), then check.
  await page.locator("#alert-table tbody tr", { hasText: "C-BROWSER-1" }).waitFor({ state: "detached", timeout: 10000 }).catch(() => {});
  check("the decided alert leaves the open queue", (await page.locator("#alert-table tbody tr", { hasText: "C-BROWSER-1" }).count()) === 0);
  await page.screenshot({ path: path.join(outDir, "alerts.png"), fullPage: true });

  // the API agrees
  const decided = await page.evaluate(async ([id, k]) => {
    const r = await fetch("/v1/alerts/" + id, { headers: { "X-API-Key": k } });
    return r.json();
  }, [alertId, key]);
  check("the API shows the decision", decided.alert.status === "false_positive" && decided.alert.decided_by === "browser-analyst" &&
    decided.alert.reason === "born 1990 in Shiraz, another person", JSON.stringify(decided.alert));

  // the lists section, reached with the arrow keys from the tab bar
  await page.focus("#tab-alerts");
  await page.keyboard.press("ArrowRight");
  await page.keyboard.press("Enter");
  await page.locator("#list-table tbody tr").first().waitFor();
  check("the lists table shows the version", /ofac-sdn/.test(await page.textContent("#list-table")));

  check("no request left the server", foreign.length === 0, foreign.join(" "));
  check("no console errors", consoleErrors.length === 0, consoleErrors.join(" | "));
}

main().then(() => {
  console.log(passed + " passed, " + failed + " failed");
  process.exit(failed ? 1 : 0);
}, (err) => {
  console.log("FAIL " + (err && err.stack ? err.stack : err));
  console.log(passed + " passed, " + (failed + 1) + " failed");
  process.exit(1);
});
