import { expect } from "@playwright/test";
import { test, composer, inboxRow, messages, navUnread, ONE_POLL, openHydrated, portal, signIn, staff } from "./helpers";

test.use({ viewport: { width: 1366, height: 800 } });

const reply = (page: import("@playwright/test").Page) => page.getByRole("textbox", { name: "Reply" });

test("signed out, a conversation link asks for sign-in, then opens that conversation", async ({ page, request }) => {
  const signedOut = await request.get("/dashboard/threads/anything", { maxRedirects: 0, headers: { accept: "text/html" } });
  expect(signedOut.status()).toBe(303);
  expect(signedOut.headers()["location"]).toBe("/login?next=%2Fdashboard%2Fthreads%2Fanything");

  // Ana's conversation, found through the dashboard, then opened in a signed-out browser.
  await signIn(page, staff.maya);
  await inboxRow(page, "Ana Silva").click();
  await expect(page).toHaveURL(/\/dashboard\/threads\//);
  const threadPath = new URL(page.url()).pathname;
  await page.getByRole("button", { name: "Log out" }).click();
  await expect(page).toHaveURL(/\/login$/);

  await page.goto(threadPath);
  await expect(page).toHaveURL(`/login?next=${encodeURIComponent(threadPath)}`);
  await expect(page.getByRole("heading", { name: "Sign in to Parley" })).toBeVisible();
  await expect(page.locator("body[data-hydrated=true]")).toHaveCount(1, { timeout: 20_000 });
  await page.getByLabel("Email").fill(staff.maya.email);
  await page.getByLabel("Password").fill(staff.maya.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL(threadPath);
  await expect(page.locator(".thread-customer")).toHaveText("Ana Silva");
});

test("a wrong password is refused with a clear message", async ({ page }) => {
  await openHydrated(page, "/login");
  await page.getByLabel("Email").fill(staff.jon.email);
  await page.getByLabel("Password").fill("not-my-password");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("alert")).toHaveText("The email or password is not right.");
  await expect(page).toHaveURL(/\/login$/);
});

test("the list is newest first with badges; opening a thread clears its badge and the count", async ({ page }) => {
  await signIn(page, staff.maya);
  const names = await page.getByTestId("inbox-row").locator(".row-name").allTextContents();
  expect(names.indexOf("Ana Silva")).toBeLessThan(names.indexOf("Dev Patel"));
  expect(names.indexOf("Dev Patel")).toBeLessThan(names.indexOf("Ben Okafor"));
  await expect(inboxRow(page, "Dev Patel").getByTestId("row-unread")).toHaveText("3");
  await expect(inboxRow(page, "Dev Patel")).toContainText("WHL2M7");
  await expect(inboxRow(page, "Ben Okafor").getByTestId("row-unread")).toHaveCount(0);
  // Ana (1 unread) and Dev (3 unread): two conversations.
  expect(await navUnread(page)).toBe(2);
  await expect(page).toHaveTitle("(2) Parley");

  await inboxRow(page, "Dev Patel").click();
  await expect(page).toHaveURL(/\/dashboard\/threads\//);
  await expect(messages(page).last()).toContainText("seasick");
  await expect(inboxRow(page, "Dev Patel").getByTestId("row-unread")).toHaveCount(0);
  await expect.poll(() => navUnread(page)).toBe(1);
  // The open conversation's name and the count, both in the title.
  await expect(page).toHaveTitle("(1) Dev Patel · Parley");
  await page.screenshot({ path: "test-results/dashboard-thread.png" });
});

test("a reply sent with Enter shows at once, signed with the staff member's name", async ({ page }) => {
  await signIn(page, staff.jon);
  await inboxRow(page, "Ben Okafor").click();
  await reply(page).fill("Parking is free at the boathouse.");
  await reply(page).press("Enter");
  const sent = messages(page).filter({ hasText: "Parking is free at the boathouse." });
  await expect(sent).toHaveCount(1);
  await expect(sent.locator(".msg-name")).toHaveText("Jon Reyes");
  await expect(inboxRow(page, "Ben Okafor")).toContainText("Parking is free at the boathouse.");
});

test("a customer message arrives in the open thread within one poll and is read there", async ({ page, openPage }) => {
  await signIn(page, staff.maya);
  await inboxRow(page, "Ana Silva").click();
  await expect(inboxRow(page, "Ana Silva").getByTestId("row-unread")).toHaveCount(0);
  // Dev's conversation is still unread.
  await expect.poll(() => navUnread(page)).toBe(1);

  const phone = await openPage({ viewport: { width: 375, height: 667 } });
  await openHydrated(phone, portal.ana);
  await composer(phone).fill("We will be there at five!");
  await composer(phone).press("Enter");
  await expect(messages(phone).filter({ hasText: "We will be there at five!" })).toHaveCount(1);

  await expect(messages(page).filter({ hasText: "We will be there at five!" })).toHaveCount(1, { timeout: ONE_POLL });
  // Seen by the team while open: no badge, no change in the count.
  await expect(inboxRow(page, "Ana Silva")).toContainText("We will be there at five!", { timeout: ONE_POLL });
  await expect(inboxRow(page, "Ana Silva").getByTestId("row-unread")).toHaveCount(0);
  await expect.poll(() => navUnread(page), { timeout: ONE_POLL }).toBe(1);
});

test("mark as unread puts the badge back", async ({ page }) => {
  await signIn(page, staff.maya);
  await inboxRow(page, "Ana Silva").click();
  await expect(inboxRow(page, "Ana Silva").getByTestId("row-unread")).toHaveCount(0);
  await expect.poll(() => navUnread(page)).toBe(1);
  await page.getByRole("button", { name: "Mark as unread" }).click();
  await expect(inboxRow(page, "Ana Silva").getByTestId("row-unread")).toHaveText("1");
  await expect.poll(() => navUnread(page)).toBe(2);
  await expect(page).toHaveTitle("(2) Ana Silva · Parley");
});

test("the Unread filter and search by confirmation code", async ({ page }) => {
  await signIn(page, staff.maya);
  await page.getByRole("button", { name: "Unread", exact: true }).click();
  await expect(page.getByRole("button", { name: "Unread", exact: true })).toHaveAttribute("aria-pressed", "true");
  await expect(page.getByTestId("inbox-row")).toHaveCount(2);
  await expect(inboxRow(page, "Ana Silva").getByTestId("row-unread")).toHaveText("1");
  await expect(inboxRow(page, "Dev Patel").getByTestId("row-unread")).toHaveText("3");
  await page.getByRole("button", { name: "All", exact: true }).click();
  await expect(page.getByTestId("inbox-row")).toHaveCount(3);

  const search = page.getByRole("searchbox", { name: "Search conversations" });
  await search.fill("WHL2M7");
  await search.press("Enter");
  await expect(page.getByTestId("inbox-row")).toHaveCount(1);
  await expect(inboxRow(page, "Dev Patel")).toHaveCount(1);
  await search.fill("seasick");
  await search.press("Enter");
  await expect(page.getByTestId("inbox-row")).toHaveCount(1);
  await expect(inboxRow(page, "Dev Patel")).toHaveCount(1);
});

test("View Booking opens the booking beside the chat; the name links to the profile", async ({ page }) => {
  await signIn(page, staff.maya);
  await inboxRow(page, "Dev Patel").click();
  await page.getByRole("button", { name: "View Booking" }).click();
  const panel = page.getByTestId("booking-panel");
  await expect(panel).toContainText("WHL2M7-8842");
  await expect(panel).toContainText("dev.patel@example.com");
  await expect(messages(page).first()).toBeVisible();
  const link = page.locator(".thread-customer");
  await expect(link).toHaveAttribute("target", "_blank");
  await expect(link).toHaveAttribute("href", /\/dashboard\/customers\//);
});

test("turning messaging off shows a notice on the dashboard and on the portal", async ({ page, openPage }) => {
  await signIn(page, staff.desk);
  await page.getByRole("link", { name: "Settings" }).click();
  const messaging = page.getByLabel("Support Messaging");
  await expect(messaging).toBeChecked();
  await messaging.uncheck();
  await expect(page.getByTestId("settings-status")).toHaveText("Saved");

  const phone = await openPage();
  await openHydrated(phone, portal.grace);
  await expect(phone.getByTestId("messaging-off")).toBeVisible();
  await expect(composer(phone)).toHaveCount(0);

  await page.getByRole("link", { name: "Conversations" }).click();
  await expect(page.getByTestId("messaging-off-notice")).toBeVisible();
  await page.getByTestId("messaging-off-notice").getByRole("link").click();
  await expect(page).toHaveURL(/\/dashboard\/settings$/);
  await page.getByLabel("Support Messaging").check();
  await expect(page.getByTestId("settings-status")).toHaveText("Saved");
  await phone.reload();
  await expect(composer(phone)).toBeVisible();
});

test("log out ends the session", async ({ page }) => {
  await signIn(page, staff.jon);
  await page.getByRole("button", { name: "Log out" }).click();
  await expect(page).toHaveURL(/\/login$/);
  await page.goto("/dashboard");
  await expect(page).toHaveURL("/login?next=%2Fdashboard");
});

test("start a conversation from a booking; the customer sees it in the portal", async ({ page, openPage }) => {
  await signIn(page, staff.maya);
  await page.getByRole("link", { name: "Bookings" }).click();
  const search = page.getByLabel("Customer or confirmation code");
  await search.fill("Wright");
  await search.press("Enter");
  await page.getByTestId("booking-list").getByRole("link", { name: /Jamal Wright/ }).click();
  await expect(page.getByRole("heading", { name: "Morning Paddle & Picnic" })).toBeVisible();
  await page.getByRole("button", { name: "Message customer" }).dblclick();
  await expect(page).toHaveURL(/\/dashboard\/threads\//);
  await reply(page).fill("Hi Jamal, the picnic menu is ready: vegetarian or regular?");
  await reply(page).press("Enter");
  await expect(messages(page).filter({ hasText: "the picnic menu is ready" })).toHaveCount(1);

  const phone = await openPage({ viewport: { width: 375, height: 667 } });
  await openHydrated(phone, portal.jamal);
  const fromTeam = messages(phone).filter({ hasText: "the picnic menu is ready" });
  await expect(fromTeam).toHaveCount(1);
  await expect(fromTeam.locator(".msg-name")).toHaveText("Maya Lindqvist");

  // The booking now opens its one conversation.
  await page.goBack();
  await expect(page.getByRole("button", { name: "Open conversation" })).toBeVisible();
});

test("a customer's profile lists their details and bookings", async ({ page }) => {
  await signIn(page, staff.maya);
  await page.goto("/dashboard/bookings");
  await page.getByTestId("booking-list").getByRole("link", { name: /Ana Silva/ }).click();
  const profileLink = page.getByRole("link", { name: "Ana Silva" });
  const href = await profileLink.getAttribute("href");
  await page.goto(href!);
  await expect(page.getByRole("heading", { name: "Ana Silva" })).toBeVisible();
  await expect(page.getByText("ana.silva@example.com")).toBeVisible();
  await expect(page.getByTestId("booking-list")).toContainText("KAY7Q2-5521");
});

test("in a hidden tab a new customer message stays unread until the tab is seen", async ({ page, openPage }) => {
  await signIn(page, staff.jon);
  await inboxRow(page, "Dev Patel").click();
  await expect(inboxRow(page, "Dev Patel").getByTestId("row-unread")).toHaveCount(0);
  const setVisibility = (state: "hidden" | "visible") =>
    page.evaluate((s) => {
      Object.defineProperty(document, "visibilityState", { value: s, configurable: true });
      document.dispatchEvent(new Event("visibilitychange", { bubbles: true }));
    }, state);
  await setVisibility("hidden");

  const phone = await openPage();
  await openHydrated(phone, portal.dev);
  await composer(phone).fill("Sorry, one more: is there a toilet at the dock?");
  await composer(phone).press("Enter");
  await expect(messages(phone).filter({ hasText: "toilet at the dock" })).toHaveCount(1);

  await expect(messages(page).filter({ hasText: "toilet at the dock" })).toHaveCount(1, { timeout: ONE_POLL });
  await expect(inboxRow(page, "Dev Patel").getByTestId("row-unread")).toHaveText("1", { timeout: ONE_POLL });

  await setVisibility("visible");
  await expect(inboxRow(page, "Dev Patel").getByTestId("row-unread")).toHaveCount(0, { timeout: ONE_POLL });
});

test("moving around the dashboard happens without page loads; URLs, reload and Back work", async ({ page }) => {
  await signIn(page, staff.maya);
  await page.evaluate(() => ((window as unknown as { marker: number }).marker = 42));
  await inboxRow(page, "Ben Okafor").click();
  await expect(page.locator(".thread-customer")).toHaveText("Ben Okafor");
  const threadUrl = page.url();
  await page.getByRole("link", { name: "Bookings" }).click();
  await expect(page.getByRole("heading", { name: "Bookings" })).toBeVisible();
  await page.getByRole("link", { name: "Settings" }).click();
  await expect(page.getByRole("heading", { name: "Settings" })).toBeVisible();
  await page.goBack();
  await expect(page.getByRole("heading", { name: "Bookings" })).toBeVisible();
  await page.goBack();
  await expect(page).toHaveURL(threadUrl);
  await expect(page.locator(".thread-customer")).toHaveText("Ben Okafor");
  expect(await page.evaluate(() => (window as unknown as { marker?: number }).marker)).toBe(42);

  await page.reload();
  await expect(page.locator(".thread-customer")).toHaveText("Ben Okafor");
  expect(await page.evaluate(() => (window as unknown as { marker?: number }).marker)).toBeUndefined();
});

test("typing / lists the saved replies; the keyboard picks one, filled in for the booking, to edit and send", async ({ page }) => {
  await signIn(page, staff.jon);
  await inboxRow(page, "Ana Silva").click();
  // Rendered by the server this time, then hydrated: the list still comes.
  await page.reload();
  await expect(page.locator("body[data-hydrated=true]")).toHaveCount(1, { timeout: 20_000 });
  await reply(page).pressSequentially("/");
  const picker = page.getByRole("listbox", { name: "Saved replies" });
  await expect(picker.getByRole("option")).toHaveText([/Meeting point/, /Weather check/, /What to bring/]);
  await reply(page).pressSequentially("w");
  await expect(picker.getByRole("option")).toHaveText([/Weather check/, /What to bring/]);
  await reply(page).press("ArrowDown");
  await expect(picker.getByRole("option", { selected: true })).toContainText("What to bring");
  // The focus stays in the text, which names the chosen option for a screen reader.
  const chosenId = await picker.getByRole("option", { selected: true }).getAttribute("id");
  await expect(reply(page)).toHaveAttribute("aria-activedescendant", chosenId!);
  await reply(page).press("Escape");
  await expect(picker).toHaveCount(0);
  await expect(reply(page)).not.toHaveAttribute("aria-activedescendant");
  await expect(reply(page)).toHaveValue("/w");

  await reply(page).fill("");
  await reply(page).pressSequentially("/meet");
  await expect(picker.getByRole("option")).toHaveCount(1);
  await expect(picker.getByRole("option")).toContainText("Hi Ana! We meet at the boathouse");
  await page.screenshot({ path: "test-results/dashboard-saved-reply-picker.png" });
  await reply(page).press("Enter");
  await expect(picker).toHaveCount(0);
  const filled = /^Hi Ana! We meet at the boathouse on Pier 3, 20 minutes before 17:30 on \w+day, \w{3} \d+\. Look for the blue flag\.$/;
  await expect(reply(page)).toHaveValue(filled);
  await reply(page).press("End");
  await reply(page).pressSequentially(" See you there!");
  await reply(page).press("Enter");
  const sent = messages(page).filter({ hasText: "Look for the blue flag. See you there!" });
  await expect(sent).toHaveCount(1);
  await expect(sent).not.toContainText("{");
});

test("a note is written on the Note tab, shows apart to the team and never in the portal", async ({ page, openPage }) => {
  await signIn(page, staff.jon);
  await inboxRow(page, "Ana Silva").click();
  await page.getByRole("tab", { name: "Note" }).click();
  const note = page.getByRole("textbox", { name: "Note" });
  await note.fill("Owner agreed to a free upgrade; tell her at check-in.");
  await note.press("Enter");
  const shown = page.getByTestId("note").filter({ hasText: "free upgrade" });
  await expect(shown).toHaveCount(1);
  await expect(shown.locator(".msg-name")).toHaveText("Note · Jon Reyes");
  // Back to replying: a reply after the note, which the customer does get.
  await page.getByRole("tab", { name: "Reply" }).click();
  await reply(page).fill("See you on Thursday!");
  await reply(page).press("Enter");
  await expect(messages(page).filter({ hasText: "See you on Thursday!" })).toHaveCount(1);
  await page.screenshot({ path: "test-results/dashboard-note.png" });

  // A colleague sees the note on opening the thread; the customer never does.
  const maya = await openPage({ viewport: { width: 1366, height: 800 } });
  await signIn(maya, staff.maya);
  await inboxRow(maya, "Ana Silva").click();
  await expect(maya.getByTestId("note").filter({ hasText: "free upgrade" })).toHaveCount(1);

  const phone = await openPage({ viewport: { width: 375, height: 667 } });
  await openHydrated(phone, portal.ana);
  await expect(messages(phone).filter({ hasText: "See you on Thursday!" })).toHaveCount(1);
  await expect(phone.getByText("free upgrade")).toHaveCount(0);
  expect(await phone.content()).not.toContain("free upgrade");
  // Nor after a poll.
  await phone.waitForResponse((r) => r.url().endsWith("/api/portal_poll"), { timeout: ONE_POLL });
  expect(await phone.content()).not.toContain("free upgrade");
  await expect(phone.getByTestId("note")).toHaveCount(0);
});

test("a colleague typing in the same thread shows as replying within one poll", async ({ page, openPage }) => {
  await signIn(page, staff.maya);
  await inboxRow(page, "Ben Okafor").click();
  const jon = await openPage({ viewport: { width: 1366, height: 800 } });
  await signIn(jon, staff.jon);
  await inboxRow(jon, "Ben Okafor").click();
  await expect(jon.getByTestId("replying")).toHaveText("");

  await reply(jon).pressSequentially("Yes, we have", { delay: 50 });
  await expect(page.getByTestId("replying")).toHaveText("Jon is replying…", { timeout: ONE_POLL });
  await page.screenshot({ path: "test-results/dashboard-replying.png" });
  // Never to himself, and never in his way: he sends while it shows for Maya.
  await expect(jon.getByTestId("replying")).toHaveText("");
  await reply(jon).pressSequentially(" life jackets in every size.");
  await reply(jon).press("Enter");
  await expect(messages(page).filter({ hasText: "life jackets in every size" })).toHaveCount(1, { timeout: ONE_POLL });
  await expect(page.getByTestId("replying")).toHaveText("");
});
