import { expect } from "@playwright/test";
import { test, openHydrated } from "./helpers";

test("the home page is server-rendered, then hydrated: the demo bookings narrow as you type", async ({ page }) => {
  await page.goto("/");
  await expect(page.getByRole("heading", { level: 1, name: "Parley" })).toBeVisible();
  await expect(page.getByRole("link", { name: "Ana Silva" })).toHaveAttribute("href", "/portal/demo-portal-ana-silva-kayak");
  const links = page.getByTestId("demo-portals").getByRole("link");
  await expect(links).toHaveCount(16);

  await openHydrated(page, "/");
  await page.getByLabel("Find a booking").fill("escape room");
  await expect(links).toHaveCount(5);
  await page.getByLabel("Find a booking").fill("lockbox");
  await expect(links).toHaveCount(5);
  await page.getByLabel("Find a booking").fill("okafor");
  await expect(links).toHaveText(["Ben Okafor"]);
  await page.getByLabel("Find a booking").fill("");
  await expect(links).toHaveCount(16);
});

test("an unknown page says so with status 404", async ({ page }) => {
  const response = await page.goto("/no/such/page");
  expect(response?.status()).toBe(404);
  await expect(page.getByRole("heading", { name: "Page not found" })).toBeVisible();
});
