import { expect } from "@playwright/test";
import { test, composer, forbidDialogs, inboxRow, messages, ONE_POLL, openHydrated, portal, signIn, staff } from "./helpers";

test.use({ viewport: { width: 375, height: 667 }, isMobile: true, hasTouch: true });

test("the booking and its history are in the page before the wasm runs", async ({ openPage }) => {
  const page = await openPage({ javaScriptEnabled: false });
  await page.goto(portal.ana);
  await expect(page.getByRole("heading", { name: "Sunset Sea Kayak Tour" })).toBeVisible();
  await expect(page.getByText("KAY7Q2-5521")).toBeVisible();
  await expect(messages(page).first()).toContainText("Is the sunset tour still on");
  // The demo's newest messages are minutes old: today, or yesterday just after the location's midnight.
  await expect(page.locator(".chat-day").last()).toHaveText(/^(Today|Yesterday)$/);
});

test("what a customer types before the page comes alive is kept, focus and all", async ({ page }) => {
  // The bundle is held back until the customer has typed (a slow phone network).
  let release = () => {};
  const held = new Promise<void>((resolve) => (release = resolve));
  await page.route("**/pkg/portal*.wasm", async (route) => {
    await held;
    await route.continue();
  });
  await page.goto(portal.lena);
  await composer(page).click();
  await composer(page).pressSequentially("Typed before the page was live");
  await expect(page.locator("body[data-hydrated=true]")).toHaveCount(0);
  release();
  await expect(page.locator("body[data-hydrated=true]")).toHaveCount(1, { timeout: 20_000 });
  await expect(composer(page)).toHaveValue("Typed before the page was live");
  await expect(composer(page)).toBeFocused();
  await page.keyboard.type(", and after.");
  await page.keyboard.press("Enter");
  await expect(messages(page).filter({ hasText: "Typed before the page was live, and after." })).toHaveCount(1);
});

test("a customer sends with Enter, sees it, and still sees it after a reload", async ({ page }) => {
  await openHydrated(page, portal.kaito);
  await expect(page.getByText("No messages yet")).toBeVisible();
  await composer(page).fill("Hi! Can we arrive 15 minutes early?");
  await composer(page).press("Enter");
  await expect(composer(page)).toHaveValue("");
  const sent = messages(page).filter({ hasText: "Can we arrive 15 minutes early?" });
  await expect(sent).toHaveCount(1);
  await expect(sent).toHaveClass(/own/);
  await expect(page.getByTestId("outgoing")).toHaveCount(0);

  await page.reload();
  await expect(messages(page).filter({ hasText: "Can we arrive 15 minutes early?" })).toHaveCount(1);
  await expect(page.getByText("Today")).toBeVisible();
});

test("Shift+Enter makes a line break instead of sending", async ({ page }) => {
  await openHydrated(page, portal.lena);
  await composer(page).pressSequentially("first line");
  await composer(page).press("Shift+Enter");
  await composer(page).pressSequentially("second line");
  await expect(messages(page)).toHaveCount(0);
  await composer(page).press("Enter");
  const body = messages(page).locator(".msg-body");
  await expect(body).toHaveCount(1);
  expect(await body.innerText()).toBe("first line\nsecond line");
});

test("an empty or blank message cannot be sent", async ({ page }) => {
  await openHydrated(page, portal.emma);
  const before = await messages(page).count();
  const send = page.getByRole("button", { name: "Send", exact: true });
  await expect(send).toBeDisabled();
  await composer(page).fill("   \n  ");
  await expect(send).toBeDisabled();
  await composer(page).press("Enter");
  await expect(messages(page)).toHaveCount(before);
  await expect(page.getByTestId("outgoing")).toHaveCount(0);
});

test("the composer counts near the limit and refuses more than 4000 characters", async ({ page }) => {
  await openHydrated(page, portal.emma);
  const before = await messages(page).count();
  await composer(page).fill("a".repeat(3600));
  await expect(page.getByTestId("counter")).toHaveText("3600 / 4000");
  await composer(page).fill("a".repeat(4001));
  await expect(page.getByRole("alert")).toContainText("4001 characters");
  await expect(page.getByRole("button", { name: "Send", exact: true })).toBeDisabled();
  await composer(page).press("Enter");
  await expect(messages(page)).toHaveCount(before);
  await expect(page.getByTestId("outgoing")).toHaveCount(0);
});

test("markup in a message shows as literal text and never runs", async ({ page }) => {
  forbidDialogs(page);
  await openHydrated(page, portal.ines);
  const payload = `<img src=x onerror="alert('img')"><script>alert('script')</script><b>bold?</b>`;
  await composer(page).fill(payload);
  await composer(page).press("Enter");
  await expect(messages(page).locator(".msg-body")).toHaveText(payload);
  await page.reload();
  await expect(messages(page).locator(".msg-body")).toHaveText(payload);
  await expect(page.locator(".msg-body b, .msg-body img, .msg-body script")).toHaveCount(0);
});

test("a failed send says so, and Retry delivers it exactly once", async ({ page }) => {
  await openHydrated(page, portal.hugo);
  // The first attempt reaches the server but its answer is lost on the way back.
  let attempts = 0;
  await page.route("**/api/portal_send", async (route) => {
    attempts += 1;
    if (attempts === 1) {
      await route.fetch();
      await route.abort("connectionreset");
    } else {
      await route.continue();
    }
  });
  await composer(page).fill("Do you rent wetsuits?");
  await composer(page).press("Enter");
  const outgoing = page.getByTestId("outgoing");
  await expect(outgoing).toContainText("Not sent");
  await outgoing.getByRole("button", { name: "Retry" }).click();
  await expect(outgoing).toHaveCount(0);
  await expect(messages(page).filter({ hasText: "Do you rent wetsuits?" })).toHaveCount(1);
  expect(attempts).toBe(2);
  await page.reload();
  await expect(messages(page).filter({ hasText: "Do you rent wetsuits?" })).toHaveCount(1);
});

test("a link that is not valid gets a plain 404 page", async ({ page }) => {
  const response = await page.goto("/portal/demo-portal-nobody-at-all");
  expect(response?.status()).toBe(404);
  await expect(page.getByRole("heading", { name: "Link not valid" })).toBeVisible();
});

test("on a phone: no horizontal scroll, composer at the bottom, 16 px inputs, 44 px targets", async ({ page }) => {
  await openHydrated(page, portal.ana);
  const widths = await page.evaluate(() => [document.documentElement.scrollWidth, window.innerWidth]);
  expect(widths[0]).toBeLessThanOrEqual(widths[1]);
  const box = await composer(page).boundingBox();
  expect(box).not.toBeNull();
  expect(box!.y + box!.height).toBeGreaterThan(667 - 80);
  const fontSize = await composer(page).evaluate((el) => parseFloat(getComputedStyle(el).fontSize));
  expect(fontSize).toBeGreaterThanOrEqual(16);
  for (const target of [composer(page), page.getByRole("button", { name: "Send", exact: true })]) {
    const b = await target.boundingBox();
    expect(b!.height).toBeGreaterThanOrEqual(44);
  }
  await page.screenshot({ path: "test-results/portal-phone.png" });
});

test("a team reply appears without a reload, and Seen appears once the team has read", async ({ page, openPage }) => {
  await openHydrated(page, portal.farid);
  await composer(page).fill("Can I get a refund for the cancelled tour?");
  await composer(page).press("Enter");
  const mine = messages(page).filter({ hasText: "refund for the cancelled tour" });
  await expect(mine).toHaveCount(1);
  await expect(page.getByTestId("seen")).toHaveCount(0);

  const team = await openPage({ viewport: { width: 1366, height: 800 } });
  await signIn(team, staff.jon);
  await inboxRow(team, "Farid Haddad").click();
  await expect(page.getByTestId("seen")).toHaveCount(1, { timeout: ONE_POLL });
  await expect(mine.getByTestId("seen")).toHaveText(/Seen/);

  await team.getByRole("textbox", { name: "Reply" }).fill("Yes: the refund is on its way.");
  await team.getByRole("textbox", { name: "Reply" }).press("Enter");
  const theirs = messages(page).filter({ hasText: "the refund is on its way" });
  await expect(theirs).toHaveCount(1, { timeout: ONE_POLL });
  await expect(theirs.locator(".msg-name")).toHaveText("Jon Reyes");
  await expect(theirs).toHaveClass(/theirs/);
});
