import { test as base, expect, Page } from "@playwright/test";

/** Playwright's test, failing any test whose page threw an uncaught error (a panic in the wasm). */
export const test = base.extend({
  page: async ({ page }, use) => {
    const errors: string[] = [];
    page.on("pageerror", (err) => errors.push(err.message));
    // A Rust panic in the wasm logs its message to the console before the "unreachable" error.
    page.on("console", (msg) => {
      if (msg.type() === "error" && msg.text().includes("panicked")) errors.push(msg.text().split("\n")[0]);
    });
    await use(page);
    expect(errors, "uncaught errors in the page").toEqual([]);
  },
});

/** Demo portal tokens (fixed by the demo seed); each test uses its own booking. */
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

/** Opens a page and waits until the wasm has hydrated it. */
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
