import { expect, Page } from "@playwright/test";
import { test, composer, inboxRow, openHydrated, portal, signIn, staff, ONE_POLL } from "./helpers";

/** A JPEG made by the browser itself (a canvas), as bytes. */
async function jpeg(page: Page, width: number, height: number): Promise<Buffer> {
  const base64 = await page.evaluate(
    async ([w, h]) => {
      const canvas = document.createElement("canvas");
      canvas.width = w;
      canvas.height = h;
      const g = canvas.getContext("2d")!;
      g.fillStyle = "#2a7ab8";
      g.fillRect(0, 0, w, h);
      g.fillStyle = "#f2c14e";
      g.fillRect(w / 4, h / 4, w / 2, h / 2);
      const blob: Blob = await new Promise((resolve) => canvas.toBlob((b) => resolve(b!), "image/jpeg", 0.9));
      const bytes = new Uint8Array(await blob.arrayBuffer());
      let binary = "";
      bytes.forEach((b) => (binary += String.fromCharCode(b)));
      return btoa(binary);
    },
    [width, height],
  );
  return Buffer.from(base64, "base64");
}

const PDF = Buffer.from(
  "%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Count 0/Kids[]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n",
);

test("a customer attaches a photo on a phone; the team sees its thumbnail within one poll and opens it full size", async ({
  page,
  openPage,
}) => {
  await page.setViewportSize({ width: 375, height: 667 });
  await openHydrated(page, portal.ana);
  const photo = await jpeg(page, 1200, 900);
  await page.getByTestId("file-input").setInputFiles({ name: "parking-sign.jpg", mimeType: "image/jpeg", buffer: photo });
  const chip = page.getByTestId("file-chip");
  await expect(chip).toContainText("parking-sign.jpg");
  await expect(chip.getByTestId("file-ready")).toBeVisible();
  await composer(page).fill("Is this the right car park?");
  await composer(page).press("Enter");
  const sent = page.getByTestId("message").last();
  await expect(sent.getByTestId("photo")).toBeVisible();
  await expect(sent).toContainText("Is this the right car park?");
  await expect(page.getByTestId("file-chips")).toBeEmpty();
  await page.screenshot({ path: "test-results/portal-phone-photo.png" });

  const team = await openPage({ viewport: { width: 1366, height: 900 } });
  await signIn(team, staff.jon);
  await inboxRow(team, "Ana Silva").click();
  const thumb = team.getByTestId("message").last().getByTestId("photo").locator("img");
  await expect(thumb).toBeVisible({ timeout: ONE_POLL });
  await expect.poll(() => thumb.evaluate((img: HTMLImageElement) => img.naturalWidth)).toBe(480);
  await team.screenshot({ path: "test-results/dashboard-photo.png" });

  const [full] = await Promise.all([team.waitForEvent("popup"), thumb.click()]);
  await full.waitForLoadState();
  expect(full.url()).toMatch(/\/dashboard\/files\/[0-9a-f]{32}$/);
  const size = await full.evaluate(() => [document.images[0]?.naturalWidth, document.images[0]?.naturalHeight]);
  expect(size).toEqual([1200, 900]);
});

test("the team sends a PDF and the customer downloads it", async ({ page, openPage }) => {
  await signIn(page, staff.jon);
  await inboxRow(page, "Ana Silva").click();
  await page.getByTestId("file-input").setInputFiles({ name: "Waiver 2026.pdf", mimeType: "application/pdf", buffer: PDF });
  await expect(page.getByTestId("file-ready")).toBeVisible();
  await page.getByRole("button", { name: "Send", exact: true }).click();
  await expect(page.getByTestId("message").last().getByTestId("file-card")).toContainText("Waiver 2026.pdf");

  const customer = await openPage({ viewport: { width: 375, height: 667 } });
  await openHydrated(customer, portal.ana);
  const card = customer.getByTestId("message").last().getByTestId("file-card");
  await expect(card).toContainText("Waiver 2026.pdf");
  const [download] = await Promise.all([customer.waitForEvent("download"), card.click()]);
  expect(download.suggestedFilename()).toBe("Waiver 2026.pdf");
  const path = await download.path();
  expect(require("node:fs").readFileSync(path).toString("latin1").startsWith("%PDF-")).toBe(true);
});

test("an 11 MB file, a sixth file and a file that is not a photo or PDF are refused with a clear message", async ({ page }) => {
  await page.setViewportSize({ width: 375, height: 667 });
  await openHydrated(page, portal.ana);
  const input = page.getByTestId("file-input");
  await input.setInputFiles({ name: "scan.pdf", mimeType: "application/pdf", buffer: Buffer.alloc(11 * 1024 * 1024, 32) });
  await expect(page.getByRole("alert")).toHaveText("scan.pdf is larger than 10 MB.");
  await expect(page.getByTestId("file-chip")).toHaveCount(0);

  await input.setInputFiles({ name: "notes.html", mimeType: "image/png", buffer: Buffer.from("<!DOCTYPE html><p>hi</p>") });
  await expect(page.getByTestId("file-chip").getByRole("alert")).toContainText("notes.html cannot be sent");

  await page.getByRole("button", { name: "Remove notes.html" }).click();
  const six = Array.from({ length: 6 }, (_, i) => ({ name: `page-${i + 1}.pdf`, mimeType: "application/pdf", buffer: PDF }));
  await input.setInputFiles(six);
  await expect(page.getByTestId("file-chip")).toHaveCount(5);
  await expect(page.getByRole("alert")).toHaveText("page-6.pdf: a message can carry at most 5 files.");
  await page.screenshot({ path: "test-results/portal-phone-refused.png" });
});

test("on a desktop a file dropped on the composer or pasted into it uploads like a chosen one", async ({ page }) => {
  await signIn(page, staff.jon);
  await inboxRow(page, "Ana Silva").click();
  // The thread opens in the browser after the click: drop and paste only once its composer is there.
  await expect(page.locator("form.composer")).toBeVisible();
  await page.evaluate((pdf) => {
    const dropped = new DataTransfer();
    dropped.items.add(new File([pdf], "dropped.pdf", { type: "application/pdf" }));
    const form = document.querySelector("form.composer")!;
    form.dispatchEvent(new DragEvent("dragover", { dataTransfer: dropped, bubbles: true, cancelable: true }));
    form.dispatchEvent(new DragEvent("drop", { dataTransfer: dropped, bubbles: true, cancelable: true }));
    const pasted = new DataTransfer();
    pasted.items.add(new File([pdf], "pasted.pdf", { type: "application/pdf" }));
    document.querySelector("#composer-text")!.dispatchEvent(
      new ClipboardEvent("paste", { clipboardData: pasted, bubbles: true, cancelable: true }),
    );
  }, PDF.toString("latin1"));
  const chips = page.getByTestId("file-chip");
  await expect(chips).toHaveCount(2);
  await expect(chips.filter({ hasText: "dropped.pdf" }).getByTestId("file-ready")).toBeVisible();
  await expect(chips.filter({ hasText: "pasted.pdf" }).getByTestId("file-ready")).toBeVisible();
  await page.getByRole("button", { name: "Send", exact: true }).click();
  const sent = page.getByTestId("message").last().getByTestId("file-card");
  await expect(sent).toHaveCount(2);
  await expect(sent.first()).toContainText("dropped.pdf");
});
