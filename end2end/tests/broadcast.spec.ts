import { expect } from "@playwright/test";
import { test, messages, ONE_POLL, openHydrated, portal, signIn, staff } from "./helpers";

test.use({ viewport: { width: 1366, height: 800 } });

const olivia = "/portal/demo-portal-olivia-brown-kayak";

test("a message to a departure reaches each ticked booking filled in, and its page counts who has seen it", async ({ page, openPage }) => {
  await signIn(page, staff.jon);
  await page.getByRole("link", { name: "Bookings" }).click();
  await expect(page.getByRole("heading", { name: "Message a departure" })).toBeVisible();
  await page.screenshot({ path: "test-results/bookings-departures.png" });
  const departure = page.getByLabel("Departure", { exact: true });
  const options = await departure.locator("option").evaluateAll((els) =>
    els.map((el) => ({ value: (el as HTMLOptionElement).value, text: el.textContent ?? "" })),
  );
  const sunset = options.find((o) => o.text.includes("Sunset Sea Kayak Tour") && o.text.includes("4 confirmed, 1 cancelled"));
  expect(sunset, JSON.stringify(options)).toBeTruthy();
  await departure.selectOption(sunset!.value);
  await page.getByRole("button", { name: "Write to this departure" }).click();

  await expect(page.getByRole("heading", { name: "Message a departure" })).toBeVisible();
  const confirmed = page.getByTestId("confirmed").getByRole("checkbox");
  await expect(confirmed).toHaveCount(4);
  for (const box of await confirmed.all()) await expect(box).toBeChecked();
  const rosa = page.getByTestId("not-confirmed").getByRole("checkbox", { name: /Rosa Diaz/ });
  await expect(rosa).not.toBeChecked();

  // A saved reply goes in with its details still in braces, to be filled for each booking.
  const text = page.getByLabel("Message", { exact: true });
  await text.pressSequentially("/meet");
  await expect(page.getByRole("listbox", { name: "Saved replies" }).getByRole("option")).toHaveCount(1);
  await text.press("Enter");
  await expect(text).toHaveValue(/^Hi \{first_name\}! We meet at the boathouse/);
  await page.screenshot({ path: "test-results/broadcast-compose.png", fullPage: true });
  await page.getByRole("button", { name: "Send to 4 bookings" }).click();

  await expect(page).toHaveURL(/\/dashboard\/broadcasts\//);
  const summary = page.getByTestId("broadcast-summary");
  await expect(summary).toContainText("0 of 4 seen");
  await expect(page.getByTestId("recipient")).toHaveCount(4);

  // Olivia opens her portal on her phone: the message is hers, and "seen" moves within a poll.
  const phone = await openPage({ viewport: { width: 375, height: 667 } });
  await openHydrated(phone, olivia);
  await expect(messages(phone).filter({ hasText: "Hi Olivia! We meet at the boathouse" })).toHaveCount(1);
  await expect(summary).toContainText("1 of 4 seen", { timeout: ONE_POLL });
  const row = page.getByTestId("recipient").filter({ hasText: "Olivia Brown" });
  await expect(row.getByTestId("seen")).toHaveText("✓");
  await page.screenshot({ path: "test-results/broadcast-page.png", fullPage: true });

  // The cancelled booking got nothing; Ana's own conversation has hers, under Jon's name.
  await openHydrated(phone, "/portal/demo-portal-rosa-diaz-kayak");
  await expect(messages(phone).filter({ hasText: "We meet at the boathouse" })).toHaveCount(0);
  await openHydrated(phone, portal.ana);
  const ana = messages(phone).filter({ hasText: "Hi Ana! We meet at the boathouse" });
  await expect(ana).toHaveCount(1);
  await expect(ana.locator(".msg-name")).toHaveText("Jon Reyes");
});
