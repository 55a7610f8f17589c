import { expect, APIRequestContext, Page } from "@playwright/test";
import { test, inboxRow, messages, openHydrated, portal, postcard, signIn, staff } from "./helpers";

// Making 1,500 messages through the portal's own sends, all in one thread, takes about 40 s of the
// debug server: more than the suite's default per test.
test.describe.configure({ timeout: 120_000 });

/** Kaito writes 1,500 messages through the portal's own send function, twenty at a time. */
async function fifteenHundredMessages(request: APIRequestContext, baseURL: string) {
  const token = portal.kaito.replace("/portal/", "");
  for (let start = 1; start <= 1500; start += 20) {
    await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        request
          .post("/api/portal_send", {
            headers: { origin: baseURL, "content-type": "application/x-postcard", accept: "application/x-postcard" },
            data: postcard(token, crypto.randomUUID(), `Message number ${start + i}`, []),
          })
          .then((response) => expect(response.status()).toBe(200)),
      ),
    );
  }
}

/** The seqs of the messages shown, in order. */
async function shownSeqs(page: Page): Promise<number[]> {
  return (await messages(page).evaluateAll((els) => els.map((el) => Number(el.getAttribute("data-seq")))));
}

/** How far the log is from its bottom, in pixels. */
async function distanceFromBottom(page: Page): Promise<number> {
  return page.locator(".chat-scroll").evaluate((el) => el.scrollHeight - el.scrollTop - el.clientHeight);
}

/** A long conversation opens at its newest page, at the bottom; "Load earlier messages" brings the page
 * before it above, without moving what the person was looking at. */
async function opensAtTheEndAndPagesBack(page: Page) {
  await expect(messages(page)).toHaveCount(100);
  const seqs = await shownSeqs(page);
  expect(seqs[0]).toBe(1401);
  expect(seqs[99]).toBe(1500);
  await expect(messages(page).last()).toBeInViewport();
  await expect.poll(() => distanceFromBottom(page)).toBeLessThan(5);

  const oldestShown = page.locator('[data-testid=message][data-seq="1401"]');
  await page.locator(".chat-scroll").evaluate((el) => (el.scrollTop = 0));
  const before = (await oldestShown.boundingBox())!.y;
  await page.getByRole("button", { name: "Load earlier messages" }).click();
  await expect(messages(page)).toHaveCount(200);
  expect((await shownSeqs(page))[0]).toBe(1301);
  await expect.poll(async () => Math.abs((await oldestShown.boundingBox())!.y - before)).toBeLessThan(2);

  // Keyboard: the log takes focus and scrolls; the button is reached with Tab.
  await page.locator(".chat-scroll").focus();
  await page.keyboard.press("Home");
  await page.keyboard.press("Tab");
  await expect(page.getByRole("button", { name: "Load earlier messages" })).toBeFocused();
  await page.keyboard.press("Enter");
  await expect(messages(page)).toHaveCount(300);
}

test("a 1,500-message conversation opens at its newest messages in the portal", async ({ page, request, baseURL }) => {
  await fifteenHundredMessages(request, baseURL!);
  await page.setViewportSize({ width: 375, height: 667 });
  await openHydrated(page, portal.kaito);
  await opensAtTheEndAndPagesBack(page);
});

test("a 1,500-message conversation opens at its newest messages in the dashboard", async ({ page, request, baseURL }) => {
  await fifteenHundredMessages(request, baseURL!);
  await page.setViewportSize({ width: 1366, height: 800 });
  await signIn(page, staff.desk);
  await inboxRow(page, "Kaito Sato").click();
  await expect(page.locator(".thread-customer")).toHaveText("Kaito Sato");
  await opensAtTheEndAndPagesBack(page);
});
