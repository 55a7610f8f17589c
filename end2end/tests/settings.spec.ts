import { expect } from "@playwright/test";
import * as http from "node:http";
import { AddressInfo } from "node:net";
import { test, signIn, staff } from "./helpers";

test.use({ viewport: { width: 1366, height: 900 } });

/** A webhook receiver on 127.0.0.1 that records what it gets and answers 200. */
async function startReceiver() {
  const received: { headers: http.IncomingHttpHeaders; body: string }[] = [];
  const server = http.createServer((req, res) => {
    let body = "";
    req.on("data", (chunk) => (body += chunk));
    req.on("end", () => {
      received.push({ headers: req.headers, body });
      res.writeHead(200).end("ok");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  return { received, url: `http://127.0.0.1:${port}/hook`, close: () => server.close() };
}

test("add a webhook endpoint, send a test event, see the delivery", async ({ page }) => {
  const receiver = await startReceiver();
  try {
    await signIn(page, staff.desk);
    await page.getByRole("link", { name: "Settings" }).click();
    await page.getByLabel("Endpoint URL").fill("ftp://example.com/nope");
    await page.getByRole("button", { name: "Add endpoint" }).click();
    await expect(page.getByRole("alert")).toContainText("cannot be used");

    await page.getByLabel("Endpoint URL").fill(receiver.url);
    await page.getByRole("button", { name: "Add endpoint" }).click();
    const secret = page.getByRole("textbox", { name: "Signing secret" });
    await expect(secret).toHaveValue(/^whsec_/);
    const endpoints = page.getByTestId("webhook-endpoints");
    await expect(endpoints).toContainText(receiver.url);

    await endpoints.getByRole("button", { name: "Send test event" }).click();
    const row = page.getByTestId("webhook-delivery").filter({ hasText: "test" });
    await expect(row).toContainText("succeeded", { timeout: 15_000 });
    await expect(row).toContainText("200");
    expect(receiver.received.length).toBeGreaterThanOrEqual(1);
    const hit = receiver.received[0];
    expect(hit.headers["webhook-signature"]).toMatch(/^v1,/);
    expect(JSON.parse(hit.body).type).toBe("test");

    // The secret is not shown again after a reload.
    await page.reload();
    await expect(page.getByRole("textbox", { name: "Signing secret" })).toHaveCount(0);
    await page.screenshot({ path: "test-results/settings-webhooks.png", fullPage: true });
  } finally {
    receiver.close();
  }
});

test("create an API key in Settings; it works once, is shown once, and can be revoked", async ({ page, request }) => {
  await signIn(page, staff.jon);
  await page.getByRole("link", { name: "Settings" }).click();
  await page.getByLabel("Key name").fill("CRM sync");
  await page.getByRole("button", { name: "Create key" }).click();
  const secret = await page.getByRole("textbox", { name: "API key" }).inputValue();
  expect(secret).toMatch(/^pk_/);
  await expect(page.getByTestId("api-keys")).toContainText("CRM sync");

  const list = await request.get("/api/v1/threads", { headers: { authorization: `Bearer ${secret}` } });
  expect(list.status()).toBe(200);
  expect((await list.json()).items.length).toBeGreaterThan(0);

  await page.getByTestId("api-keys").getByRole("button", { name: "Revoke" }).click();
  await expect(page.getByTestId("api-keys")).toContainText("revoked");
  const refused = await request.get("/api/v1/threads", { headers: { authorization: `Bearer ${secret}` } });
  expect(refused.status()).toBe(401);
  expect((await refused.json()).error.code).toBe("unauthorized");
});

test("saved replies: the demo's are listed, one is added, a brace naming no detail is refused by its name, edited and deleted", async ({ page }) => {
  await signIn(page, staff.jon);
  await page.getByRole("link", { name: "Settings" }).click();
  const list = page.getByTestId("saved-replies");
  await expect(list).toContainText("Meeting point");
  await expect(list).toContainText("{first_name}");

  const form = page.getByTestId("saved-reply-form");
  await form.getByLabel("Name").fill("Parking");
  await form.getByLabel("Text").fill("Hi {firstname}, park by the {location} sign.");
  await form.getByRole("button", { name: "Add reply" }).click();
  await expect(page.getByRole("alert")).toContainText("{firstname} is not a booking detail.");
  await expect(list).not.toContainText("Parking");

  await form.getByLabel("Text").fill("Hi {first_name}, park by the {location} sign.");
  await form.getByRole("button", { name: "Add reply" }).click();
  await expect(list.getByRole("listitem").filter({ hasText: "Parking" })).toContainText("park by the {location} sign.");
  await expect(form.getByLabel("Name")).toHaveValue("");
  await page.screenshot({ path: "test-results/settings-saved-replies.png", fullPage: true });

  await list.getByRole("button", { name: "Edit Parking" }).click();
  await expect(form.getByLabel("Text")).toHaveValue("Hi {first_name}, park by the {location} sign.");
  await form.getByLabel("Text").fill("Park on Harbor Street, {first_name}.");
  await form.getByRole("button", { name: "Save changes" }).click();
  await expect(list).toContainText("Park on Harbor Street, {first_name}.");

  await page.reload();
  await expect(page.getByTestId("saved-replies")).toContainText("Park on Harbor Street");
  await page.getByTestId("saved-replies").getByRole("button", { name: "Delete Parking" }).click();
  await expect(page.getByTestId("saved-replies")).not.toContainText("Parking");
  await expect(page.getByTestId("saved-replies")).toContainText("Meeting point");
});
