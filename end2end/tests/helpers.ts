import { test as base, expect, BrowserContext, BrowserContextOptions, Page } from "@playwright/test";
import AxeBuilder from "@axe-core/playwright";
import { ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { Cluster, freePort, startCluster } from "./cluster";

/** A Parley server of one test's own, on a fresh in-memory database with the demo data. */
export interface Server {
  baseURL: string;
  /** What the server printed to stderr, for a failing test's report. */
  log: () => string;
  /** With `mail: true`, the emails the SMTP server took so far, oldest first; else always empty. */
  emails: () => CapturedEmail[];
}

/** An email as server/tests/smtp_capture.py writes it down. */
export interface CapturedEmail {
  rcpt_tos: string[];
  headers: [string, string][];
  text: string;
  html: string;
}

/** aiosmtpd on a free loopback port (server/tests/smtp_capture.py), writing each email to a directory. */
async function startSmtpCapture() {
  const dir = mkdtempSync(join(tmpdir(), "parley-smtp-"));
  const python = process.env.PARLEY_TEST_PYTHON ?? `${process.env.HOME}/.cache/parley/tools/venv/bin/python`;
  const child = spawn(python, ["../server/tests/smtp_capture.py", dir], { stdio: ["ignore", "pipe", "inherit"] });
  const line: string = await new Promise((resolve, reject) => {
    child.once("error", reject);
    child.once("exit", (code) => reject(new Error(`smtp_capture.py exited with ${code}; is aiosmtpd installed?`)));
    createInterface({ input: child.stdout! }).once("line", resolve);
  });
  const port = Number(line.replace("PORT ", ""));
  const emails = (): CapturedEmail[] =>
    readdirSync(dir)
      .filter((f) => f.endsWith(".json"))
      .sort()
      .map((f) => JSON.parse(readFileSync(join(dir, f), "utf8")));
  const stop = () => {
    child.kill("SIGTERM");
    rmSync(dir, { recursive: true, force: true });
  };
  return { url: `smtp://127.0.0.1:${port}`, emails, stop };
}

async function startServer(mail: boolean): Promise<{ server: Server; stop: () => Promise<void> }> {
  const port = await freePort();
  const baseURL = `http://127.0.0.1:${port}`;
  const smtp = mail ? await startSmtpCapture() : null;
  const files = mkdtempSync(join(tmpdir(), "parley-files-"));
  const child: ChildProcess = spawn(process.env.PARLEY_SERVER_BIN ?? "../target/debug/server", [], {
    env: {
      ...process.env,
      PARLEY_ADDR: `127.0.0.1:${port}`,
      PARLEY_DB: "mem://",
      PARLEY_DEMO: "1",
      PARLEY_ALLOW_PRIVATE_WEBHOOKS: "1",
      PARLEY_LOG: "warn",
      PARLEY_FILES: files,
      ...(smtp ? { PARLEY_SMTP_URL: smtp.url, PARLEY_MAIL_FROM: "parley@parley.test" } : {}),
    },
    stdio: ["ignore", "ignore", "pipe"],
  });
  let log = "";
  child.stderr?.on("data", (chunk) => (log += chunk));
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the server exited with ${child.exitCode}:\n${log}`);
    try {
      if ((await fetch(`${baseURL}/healthz`)).ok) break;
    } catch {
      // Not listening yet.
    }
    if (Date.now() > deadline) throw new Error(`the server did not answer within 30 s:\n${log}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  const stop = async () => {
    if (child.exitCode === null) {
      const exited = new Promise((resolve) => child.once("exit", resolve));
      child.kill("SIGTERM");
      await exited;
    }
    smtp?.stop();
    rmSync(files, { recursive: true, force: true });
  };
  return { server: { baseURL, log: () => log, emails: smtp?.emails ?? (() => []) }, stop };
}

/** Collects what would mean the page is broken: an uncaught error, a panic in the wasm (which logs
 * "panicked" to the console before its "unreachable"), or a script or style the page's
 * Content-Security-Policy refused. */
function watch(page: Page, errors: string[]) {
  page.on("pageerror", (err) => errors.push(`${page.url()}: ${err.message}`));
  page.on("console", (msg) => {
    const text = msg.text();
    if (msg.type() === "error" && (text.includes("panicked") || text.includes("Content Security Policy"))) {
      errors.push(`${page.url()}: ${text.split("\n")[0]}`);
    }
  });
}

function watchContext(context: BrowserContext, errors: string[]) {
  context.pages().forEach((page) => watch(page, errors));
  context.on("page", (page) => watch(page, errors));
}

/** With PARLEY_CLUSTER=1 (playwright.nginx.config.ts): a test's "server" is two Parley servers
 * behind nginx on one SurrealDB server, started afresh with the demo data for each test. */
async function startClustered(cluster: Cluster, mail: boolean): Promise<{ server: Server; stop: () => Promise<void> }> {
  const smtp = mail ? await startSmtpCapture() : null;
  const servers = await cluster.fresh(smtp ? { PARLEY_SMTP_URL: smtp.url, PARLEY_MAIL_FROM: "parley@parley.test" } : {});
  const stop = async () => {
    await servers.stop();
    smtp?.stop();
  };
  return { server: { baseURL: cluster.baseURL, log: servers.log, emails: smtp?.emails ?? (() => []) }, stop };
}

type WorkerFixtures = {
  /** SurrealDB and nginx, once per worker; null unless PARLEY_CLUSTER=1. */
  cluster: Cluster | null;
};

type Fixtures = {
  /** Start the server with an SMTP server to send to (`test.use({ mail: true })`). */
  mail: boolean;
  server: Server;
  errors: string[];
  /** A page in a browser context of its own (another person, another device), watched like `page`. */
  openPage: (options?: BrowserContextOptions) => Promise<Page>;
};

/** Playwright's test with a server of its own, in which any page of any context that throws, panics or
 * breaks its security policy fails the test. */
export const test = base.extend<Fixtures, WorkerFixtures>({
  cluster: [
    async ({}, use) => {
      if (process.env.PARLEY_CLUSTER !== "1") return use(null);
      const cluster = await startCluster();
      await use(cluster);
      await cluster.close();
    },
    { scope: "worker", timeout: 60_000 },
  ],
  mail: [false, { option: true }],
  server: async ({ mail, cluster }, use, testInfo) => {
    const { server, stop } = cluster ? await startClustered(cluster, mail) : await startServer(mail);
    await use(server);
    await stop();
    if (testInfo.status !== testInfo.expectedStatus) await testInfo.attach("server.log", { body: server.log() });
  },
  baseURL: async ({ server }, use) => use(server.baseURL),
  errors: async ({}, use) => {
    const errors: string[] = [];
    await use(errors);
    expect(errors, "uncaught errors, panics or refused scripts in a page").toEqual([]);
  },
  context: async ({ context, errors }, use) => {
    watchContext(context, errors);
    await use(context);
  },
  openPage: async ({ browser, baseURL, errors }, use) => {
    const contexts: BrowserContext[] = [];
    await use(async (options: BrowserContextOptions = {}) => {
      const context = await browser.newContext({ baseURL, ...options });
      watchContext(context, errors);
      contexts.push(context);
      return context.newPage();
    });
    for (const context of contexts) await context.close();
  },
});

/** Demo portal tokens (fixed by the demo seed). */
export const portal = {
  ana: "/portal/demo-portal-ana-silva-kayak",
  ben: "/portal/demo-portal-ben-okafor-kayak",
  chloe: "/portal/demo-portal-chloe-martin-escape",
  grace: "/portal/demo-portal-grace-kim-escape",
  hugo: "/portal/demo-portal-hugo-laurent-kayak",
  ines: "/portal/demo-portal-ines-costa-escape",
  jamal: "/portal/demo-portal-jamal-wright-kayak",
  kaito: "/portal/demo-portal-kaito-sato-escape",
  lena: "/portal/demo-portal-lena-fischer-kayak",
  emma: "/portal/demo-portal-emma-nowak-escape",
  dev: "/portal/demo-portal-dev-patel-kayak",
  farid: "/portal/demo-portal-farid-haddad-kayak",
};

/** A portal call's body as the portal bundle sends it, in postcard: the call's fields in order, a
 * text as its UTF-8 length (a varint) and bytes, a list as its length and items. */
export function postcard(...fields: (string | string[])[]): Buffer {
  const varint = (n: number) => {
    const bytes = [];
    for (; n >= 0x80; n >>>= 7) bytes.push((n & 0x7f) | 0x80);
    bytes.push(n);
    return Buffer.from(bytes);
  };
  const text = (t: string) => {
    const utf8 = Buffer.from(t, "utf8");
    return Buffer.concat([varint(utf8.length), utf8]);
  };
  return Buffer.concat(
    fields.map((f) => (Array.isArray(f) ? Buffer.concat([varint(f.length), ...f.map(text)]) : text(f))),
  );
}

/** Opens a page and waits until the wasm has brought it to life (hydrated, or rendered over). */
export async function openHydrated(page: Page, path: string) {
  await page.goto(path);
  await expect(page.locator("body[data-hydrated=true]")).toHaveCount(1, { timeout: 20_000 });
}

/** Fails the test if any dialog (alert, confirm) opens. */
export function forbidDialogs(page: Page) {
  page.on("dialog", async (dialog) => {
    await dialog.dismiss();
    throw new Error(`a dialog opened: ${dialog.message()}`);
  });
}

/** Fails on any serious or critical accessibility violation axe-core finds on the page as it is now. */
export async function expectAccessible(page: Page) {
  const results = await new AxeBuilder({ page })
    .withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"])
    .analyze();
  const serious = results.violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => `${v.id} (${v.impact}): ${v.help} at ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`);
  expect(serious, `accessibility on ${page.url()}`).toEqual([]);
}

export const composer = (page: Page) => page.getByRole("textbox", { name: "Message to the team" });
export const messages = (page: Page) => page.getByTestId("message");

export const staff = {
  maya: { email: "maya@parley.demo", password: "demo-maya-2026", name: "Maya Lindqvist" },
  jon: { email: "jon@parley.demo", password: "demo-jon-2026", name: "Jon Reyes" },
  desk: { email: "desk@parley.demo", password: "demo-desk-2026", name: "Support" },
};

/** One poll (7.5 s) plus the time to answer it. */
export const ONE_POLL = 10_000;

/** Signs in through the form and waits for the hydrated dashboard. */
export async function signIn(page: Page, who: { email: string; password: string }) {
  await openHydrated(page, "/login");
  await page.getByLabel("Email").fill(who.email);
  await page.getByLabel("Password").fill(who.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.waitForURL("**/dashboard");
  await expect(page.getByRole("navigation", { name: "Dashboard" })).toBeVisible();
}

export const inboxRow = (page: Page, name: string) => page.getByTestId("inbox-row").filter({ hasText: name });

/** The number in the navigation's unread badge (0 when there is none). */
export async function navUnread(page: Page): Promise<number> {
  const badge = page.getByTestId("nav-unread");
  if ((await badge.count()) === 0) return 0;
  const text = (await badge.textContent()) ?? "0";
  return text === "9+" ? 10 : Number(text);
}
