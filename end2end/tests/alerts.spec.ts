import { expect } from "@playwright/test";
import { test, composer, inboxRow, navUnread, openHydrated, portal, signIn, staff, ONE_POLL, CapturedEmail } from "./helpers";

test.use({ viewport: { width: 1366, height: 900 } });

/** The link after `label` in an email's plain-text part. */
function linkIn(email: CapturedEmail, label: string): string {
  const line = email.text.split("\n").find((l) => l.startsWith(label));
  if (!line) throw new Error(`no "${label}" in:\n${email.text}`);
  return line.slice(label.length).trim();
}

test.describe("emails", () => {
  test.use({ mail: true });

  test("the portal link in a captured customer email opens the conversation; its unsubscribe link stops them", async ({
    page,
    server,
  }) => {
    // The demo's team reply to Ben has waited unread for hours: the mailer emails him at start.
    let email: CapturedEmail | undefined;
    await expect
      .poll(() => (email = server.emails().find((e) => e.rcpt_tos.includes("ben.okafor@example.com"))), {
        timeout: 15_000,
      })
      .toBeDefined();
    const open = linkIn(email!, "Read and reply:");
    expect(open.startsWith(`${server.baseURL}/portal/`)).toBe(true);

    await openHydrated(page, open);
    await expect(page.getByRole("heading", { level: 1 })).toHaveText("Morning Paddle & Picnic");
    await composer(page).fill("Thanks, got your email!");
    await composer(page).press("Enter");
    await expect(page.getByTestId("message").last()).toContainText("Thanks, got your email!");

    await openHydrated(page, linkIn(email!, "Stop these emails:"));
    await expect(page.getByRole("heading", { name: "Emails about your booking" })).toBeVisible();
    await page.getByRole("button", { name: "Stop these emails" }).click();
    await expect(page.getByTestId("emails-state")).toHaveAttribute("data-on", "false");
    await expect(page.getByRole("button", { name: "Email me again" })).toBeVisible();
    await page.setViewportSize({ width: 390, height: 844 });
    await page.screenshot({ path: "test-results/portal-emails.png", fullPage: true });
  });
});

test("a customer message shows a desktop notification while another thread is open; clicking it opens the thread", async ({
  browser,
  server,
  openPage,
}) => {
  const context = await browser.newContext({ baseURL: server.baseURL, permissions: ["notifications"] });
  // Records every notification and sound the page makes; the real ones still run.
  await context.addInitScript(() => {
    const w = window as any;
    w.__notifications = [];
    w.__sounds = 0;
    const RealNotification = w.Notification;
    w.Notification = class extends RealNotification {
      constructor(title: string, options?: NotificationOptions) {
        w.__notifications.push({ title, body: options?.body });
        super(title, options);
        w.__notifications[w.__notifications.length - 1].shown = this;
      }
    };
    const RealAudio = w.AudioContext;
    w.AudioContext = class extends RealAudio {
      constructor(...args: any[]) {
        super(...args);
        w.__sounds += 1;
      }
    };
  });
  const page = await context.newPage();
  await signIn(page, staff.jon);
  const icon = await page.locator("link[rel=icon]").getAttribute("href");
  expect(icon).toContain(`%3E${await navUnread(page)}%3C/text%3E`);

  await page.getByRole("link", { name: "Settings" }).click();
  await expect(page.getByRole("heading", { name: "Notifications" })).toBeVisible();
  await page.getByTestId("alert-desktop").check();
  await expect(page.getByTestId("alerts-status")).toHaveText("Saved");
  await page.getByTestId("alert-sound").check();
  await expect(page.getByTestId("alerts-status")).toHaveText("Saved");
  await page.screenshot({ path: "test-results/settings-notifications.png", fullPage: true });

  // Another conversation is open when Ana writes.
  await page.getByRole("link", { name: "Conversations" }).click();
  await inboxRow(page, "Ben Okafor").click();
  await expect(page.locator(".thread-customer")).toHaveText("Ben Okafor");
  const customer = await openPage();
  await openHydrated(customer, portal.ana);
  await composer(customer).fill("Where do we park the car?");
  await composer(customer).press("Enter");

  await expect
    .poll(() => page.evaluate(() => (window as any).__notifications.map((n: any) => [n.title, n.body])), {
      timeout: ONE_POLL + 5_000,
    })
    .toEqual([["Ana Silva", "Where do we park the car?"]]);
  expect(await page.evaluate(() => (window as any).__sounds)).toBe(1);

  await page.evaluate(() => (window as any).__notifications[0].shown.onclick());
  await expect(page.locator(".thread-customer")).toHaveText("Ana Silva");
  await expect(page.getByTestId("message").last()).toContainText("Where do we park the car?");
  await context.close();
});

test("Settings offers a button to allow desktop notifications and never asks on its own", async ({ page }) => {
  let asked = 0;
  await page.exposeFunction("__asked", () => (asked += 1));
  await page.addInitScript(() => {
    const w = window as any;
    const request = w.Notification.requestPermission.bind(w.Notification);
    w.Notification.requestPermission = (...args: any[]) => {
      w.__asked();
      return request(...args);
    };
  });
  await signIn(page, staff.maya);
  await page.getByRole("link", { name: "Settings" }).click();
  const allow = page.getByRole("button", { name: "Allow desktop notifications" });
  await expect(allow).toBeVisible();
  await expect(page.getByTestId("no-smtp")).toContainText("PARLEY_SMTP_URL");
  expect(asked).toBe(0);
  await allow.click();
  await expect.poll(() => asked).toBe(1);
});
