import { expect } from "@playwright/test";
import { test } from "./helpers";

test("the home page is server-rendered, then hydrated", async ({ page }) => {
  const errors: string[] = [];
  page.on("pageerror", (err) => errors.push(err.message));

  await page.goto("/");
  await expect(page.getByRole("heading", { level: 1, name: "Parley" })).toBeVisible();
  await expect(page.getByRole("link", { name: "Ana Silva" })).toHaveAttribute(
    "href",
    "/portal/demo-portal-ana-silva-kayak",
  );

  // The button only answers once the wasm has hydrated the page; keep tapping until it does.
  const result = page.getByTestId("live-check-result");
  await expect(result).toHaveText("Not tapped yet.");
  await expect(async () => {
    await page.getByTestId("live-check").click();
    await expect(result).toContainText("Live:", { timeout: 500 });
  }).toPass({ timeout: 15_000 });
  const before = await result.textContent();
  await page.getByTestId("live-check").click();
  await expect(result).not.toHaveText(before ?? "");
  expect(errors).toEqual([]);
});

test("an unknown page says so with status 404", async ({ page }) => {
  const response = await page.goto("/no/such/page");
  expect(response?.status()).toBe(404);
  await expect(page.getByRole("heading", { name: "Page not found" })).toBeVisible();
});
