import { expect } from "@playwright/test";
import { test, expectAccessible, inboxRow, openHydrated, portal, signIn, staff } from "./helpers";

test("the portal on a phone has no serious accessibility problem", async ({ page }) => {
  await page.setViewportSize({ width: 375, height: 667 });
  await openHydrated(page, portal.ana);
  await expectAccessible(page);
});

test("sign-in has no serious accessibility problem", async ({ page }) => {
  await openHydrated(page, "/login");
  await expectAccessible(page);
});

test("every dashboard page has no serious accessibility problem", async ({ page }) => {
  await page.setViewportSize({ width: 1366, height: 900 });
  await signIn(page, staff.maya);
  await expectAccessible(page); // Conversations

  await inboxRow(page, "Ana Silva").click();
  await expect(page.locator(".thread-customer")).toHaveText("Ana Silva");
  await page.getByRole("button", { name: "View Booking" }).click();
  await expectAccessible(page); // an open thread with its booking

  await page.getByRole("link", { name: "Bookings" }).click();
  await expect(page.getByRole("heading", { name: "Bookings", level: 1 })).toBeVisible();
  await expectAccessible(page);

  await page.getByTestId("booking-list").getByRole("link", { name: /Ana Silva/ }).click();
  await expect(page.getByRole("heading", { name: "Sunset Sea Kayak Tour" })).toBeVisible();
  await expectAccessible(page); // a booking

  await page.goto((await page.getByRole("link", { name: "Ana Silva" }).getAttribute("href"))!);
  await expect(page.getByRole("heading", { name: "Ana Silva", level: 1 })).toBeVisible();
  await expectAccessible(page); // a customer

  await page.goto("/dashboard/settings");
  await expect(page.getByRole("heading", { name: "Settings", level: 1 })).toBeVisible();
  await expectAccessible(page);

  await openHydrated(page, "/dashboard/bookings");
  await page.getByRole("button", { name: "Write to this departure" }).click();
  await expect(page.getByRole("heading", { name: "Message a departure", level: 1 })).toBeVisible();
  await expectAccessible(page); // a departure's bookings and the message
  await page.getByLabel("Message", { exact: true }).fill("See you at the dock at {start_time}.");
  await page.getByRole("button", { name: /^Send to \d+ bookings?$/ }).click();
  await expect(page.getByTestId("broadcast-summary")).toContainText("seen");
  await expectAccessible(page); // the broadcast's page
});
