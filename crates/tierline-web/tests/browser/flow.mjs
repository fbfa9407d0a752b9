// The browser flow of tierline's web app, in Debian's chromium through playwright-core.
// Input: one JSON argument from tests/browser/main.rs (the server's address, users, ids).
// Every check throws on failure; screenshots go to the artefacts folder.
import { chromium } from "playwright-core";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const input = JSON.parse(process.argv[2]);
const base = input.base.replace(/\/$/, "");
const shots = input.artefacts;

function check(cond, what) {
  if (!cond) throw new Error("check failed: " + what);
  console.log("ok - " + what);
}

// Each person gets a browser of their own with a fresh profile (--user-data-dir, which
// playwright passes for a persistent context).
const args = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
  "--disable-component-update", "--no-first-run", "--disable-sync"];
const opened = [];
async function open(options) {
  const context = await chromium.launchPersistentContext(mkdtempSync(join(tmpdir(), "tierline-chromium-")), {
    executablePath: input.chromium, args, headless: true, ...options,
  });
  opened.push(context);
  return context;
}

async function signIn(email, locale, viewport) {
  const context = await open({ locale: locale || "en-GB", timezoneId: "Europe/Kyiv", viewport: viewport || { width: 1280, height: 900 } });
  const page = context.pages()[0] || await context.newPage();
  page.setDefaultTimeout(15000);
  await page.goto(base + "/login");
  await page.fill("input[name=email]", email);
  await page.fill("input[name=password]", input.password);
  await Promise.all([page.waitForNavigation(), page.click("form[action='/login'] button[type=submit]")]);
  return { context, page };
}

try {
  // The public site: a prospect asks for support.
  {
    const context = await open({ locale: "en-GB" });
    const page = context.pages()[0] || await context.newPage();
    await page.goto(base + "/");
    await page.fill("input[name=name]", "Olga Prospect");
    await page.fill("input[name=phone]", "+380 44 123 45 67");
    await page.fill("textarea[name=need]", "Support for our online shop");
    await page.click("#request-support button[type=submit]");
    await page.waitForSelector(".notice.ok");
    check((await page.textContent(".notice.ok")).includes("Thank you"), "a lead gets a clear confirmation");
    await page.screenshot({ path: join(shots, "site-lead-sent.png"), fullPage: true });
    await context.close();
  }

  // The agent watches line 1 before the request exists.
  const agent = await signIn(input.agent);
  check(agent.page.url().endsWith("/agent/queue"), "an agent lands on the queues");
  await agent.page.goto(base + "/agent/queue?view=line1");
  await agent.page.evaluate(() => { window.__sameDocument = true; });

  // The countdown: a ticket whose warning falls a few seconds from now turns amber live.
  const warnRow = `tr[data-ticket="${input.warning_ticket}"] .clock`;
  await agent.page.waitForSelector(warnRow);
  const before = await agent.page.getAttribute(warnRow, "class");
  check(before.includes("ok"), "the countdown starts on time (" + before + ")");
  await agent.page.waitForSelector(`${warnRow}.warning`, { timeout: 20000 });
  check(true, "the countdown turned to warning without a reload");
  const left = await agent.page.textContent(`${warnRow} .left`);
  check(/\d/.test(left), "the countdown shows the time left: " + left.trim());

  // A customer submits a request with an attachment.
  const customer = await signIn(input.customer);
  check(customer.page.url().endsWith("/portal"), "a customer lands on the portal");
  await customer.page.goto(base + "/portal/new");
  await customer.page.fill("input[name=subject]", "The office printer is offline");
  await customer.page.fill("textarea[name=description]", "Nobody can print since this morning; the printer shows an error.");
  await customer.page.setInputFiles("input[name=files]", { name: "error-photo.txt", mimeType: "text/plain", buffer: Buffer.from("E-05 paper jam") });
  await Promise.all([customer.page.waitForNavigation(), customer.page.click("form[action='/portal/new'] button[type=submit]")]);
  const ticketUrl = customer.page.url();
  const id = ticketUrl.split("/").pop();
  check(/\/portal\/tickets\/\d+$/.test(ticketUrl), "the request was recorded: #" + id);
  check((await customer.page.textContent("body")).includes("error-photo.txt"), "the attachment is on the request");
  await customer.page.screenshot({ path: join(shots, "portal-request.png"), fullPage: true });
  await customer.page.evaluate(() => { window.__sameDocument = true; });

  // It appears on the agent's line 1 without a reload.
  await agent.page.waitForSelector(`tr[data-ticket="${id}"]`, { timeout: 15000 });
  check(await agent.page.evaluate(() => window.__sameDocument === true), "the new request appeared on line 1 without reloading");
  await agent.page.screenshot({ path: join(shots, "agent-queue.png"), fullPage: true });

  // The agent replies, adds an internal note, and escalates to line 2.
  await agent.page.click(`tr[data-ticket="${id}"] td:nth-child(2) a`);
  await agent.page.waitForSelector("#reply-body");
  await agent.page.fill("#reply-body", "We are on it: the printer's queue is being restarted.");
  await Promise.all([agent.page.waitForNavigation(), agent.page.click("form[action$='/reply'] button[type=submit]")]);
  await agent.page.fill("#reply-body", "Internal: the vendor's driver again.");
  await agent.page.check("input[name=visibility][value=internal]");
  await Promise.all([agent.page.waitForNavigation(), agent.page.click("form[action$='/reply'] button[type=submit]")]);
  await agent.page.fill("form[action$='/line'] input[name=reason]", "Needs the print server");
  await Promise.all([agent.page.waitForNavigation(), agent.page.click("form[action$='/line'] button[value=up]")]);
  check((await agent.page.textContent(".ticket-head")).includes("Line 2"), "the agent escalated it to line 2");
  await agent.page.screenshot({ path: join(shots, "agent-ticket.png"), fullPage: true });
  // The clocks of a class-5 request: reaction and resolution, each with how it was computed.
  await agent.page.goto(base + "/agent/tickets/" + input.warning_ticket);
  const clocks = await agent.page.$$(".clock-card");
  check(clocks.length >= 2, "the ticket page shows its clocks");
  check((await agent.page.textContent(".clocks")).includes("counted so far"), "each clock says how it was computed");
  check((await agent.page.$$(".clock-card.warning")).length >= 1, "the reaction clock is in its warning");
  await agent.page.screenshot({ path: join(shots, "agent-ticket-clocks.png"), fullPage: true });

  // The customer, still on the request's page, sees the reply arrive; never the note.
  await customer.page.waitForFunction(() => document.body.innerText.includes("queue is being restarted"), null, { timeout: 15000 });
  check(await customer.page.evaluate(() => window.__sameDocument === true), "the reply reached the customer's open page without a reload");
  await customer.page.goto(ticketUrl);
  const seen = await customer.page.textContent("body");
  check(seen.includes("printer's queue is being restarted"), "the customer sees the reply");
  check(!seen.includes("vendor's driver"), "the customer does not see the internal note");

  // Another organisation's ticket is simply not found.
  const resp = await customer.page.goto(base + "/portal/tickets/" + input.other_ticket);
  check(resp.status() === 404, "another organisation's ticket URL answers 404");
  check((await customer.page.textContent("h1")).includes("Not found"), "and says not found");
  const agentUrl = await customer.page.goto(base + "/agent/tickets/" + input.other_ticket);
  check(agentUrl.status() === 404, "the agent's page of it is not found for a customer either");

  // Availability of the customer's systems: uptime bars and incident history.
  await customer.page.goto(base + "/availability");
  check((await customer.page.$$(".uptime .bar")).length >= 1, "the customer sees uptime bars per system");
  await customer.page.screenshot({ path: join(shots, "portal-availability.png"), fullPage: true });

  // The pages in all three languages, switched from the footer.
  const expect = { uk: "Мої заявки", ru: "Мои заявки", en: "My requests" };
  for (const lang of ["uk", "ru", "en"]) {
    await customer.page.goto(base + "/portal");
    await customer.page.selectOption("#lang-select", lang);
    await Promise.all([customer.page.waitForNavigation(), customer.page.click("form.lang button[type=submit]")]);
    check((await customer.page.getAttribute("html", "lang")) === lang, "the portal is in " + lang);
    check((await customer.page.textContent("h1")).includes(expect[lang]), "its heading reads " + expect[lang]);
    await customer.page.screenshot({ path: join(shots, `portal-${lang}.png`), fullPage: true });
  }
  // A visitor's browser language decides when nothing else does.
  for (const [locale, word] of [["uk-UA", "Увійти"], ["ru-RU", "Войти"]]) {
    const context = await open({ locale });
    const page = context.pages()[0] || await context.newPage();
    await page.goto(base + "/login");
    check((await page.textContent("h1")).includes(word), `a ${locale} browser gets the sign-in page in its language`);
    await page.screenshot({ path: join(shots, `login-${locale}.png`) });
    await context.close();
  }

  // A phone: the queue still reads.
  const phone = await signIn(input.agent, "en-GB", { width: 390, height: 844 });
  const phonePage = phone.page;
  await phonePage.goto(base + "/agent/queue?view=line2");
  await phonePage.waitForSelector(`tr[data-ticket="${id}"]`);
  const width = await phonePage.evaluate(() => document.documentElement.scrollWidth);
  check(width <= 400, "the queue fits a phone's width (" + width + " px)");
  await phonePage.screenshot({ path: join(shots, "agent-queue-phone.png"), fullPage: true });

  // Administration and search, for the screenshots and a smoke check.
  const admin = await signIn(input.admin);
  await admin.page.goto(base + "/admin");
  check((await admin.page.textContent("#leads")).includes("Olga Prospect"), "the lead reached the administrators");
  await admin.page.screenshot({ path: join(shots, "admin.png"), fullPage: true });
  await admin.page.goto(base + "/agent/search?q=printers");
  check((await admin.page.$$(`tr[data-ticket="${id}"]`)).length === 1, "search finds the request by another form of a word");
  await admin.page.screenshot({ path: join(shots, "search.png"), fullPage: true });
} finally {
  for (const c of opened) await c.close().catch(() => {});
}
