import { expect } from "@playwright/test";
import { test, composer, inboxRow, openHydrated, portal, signIn, staff, ONE_POLL, forbidDialogs } from "./helpers";

test("a customer unsends their message from the keyboard; the team sees it deleted within one poll", async ({
  page,
  openPage,
}) => {
  forbidDialogs(page);
  await page.setViewportSize({ width: 375, height: 667 });
  await openHydrated(page, portal.ana);
  await composer(page).fill("My card is 4111 1111 1111 1111");
  await composer(page).press("Enter");
  const mine = page.getByTestId("message").last();
  await expect(mine).toContainText("4111");

  const team = await openPage({ viewport: { width: 1366, height: 900 } });
  await signIn(team, staff.jon);
  await inboxRow(team, "Ana Silva").click();
  const theirs = team.getByTestId("message").last();
  await expect(theirs).toContainText("4111");

  // Keyboard only: the message's menu, its item, the confirmation; each step takes the focus.
  await mine.getByRole("button", { name: "Message actions" }).focus();
  await page.keyboard.press("Enter");
  await expect(mine.getByRole("menuitem", { name: "Unsend" })).toBeFocused();
  await page.keyboard.press("Escape");
  await expect(mine.getByRole("menu")).toHaveCount(0);
  await mine.getByRole("button", { name: "Message actions" }).focus();
  await page.keyboard.press("Enter");
  await page.keyboard.press("Enter");
  const confirm = mine.getByRole("group", { name: "Unsend this message" });
  await expect(confirm).toContainText("Remove it for everyone?");
  await expect(confirm.getByRole("button", { name: "Unsend" })).toBeFocused();
  await page.keyboard.press("Enter");
  await expect(mine.getByTestId("deleted")).toHaveText("Message deleted");
  await expect(mine).not.toContainText("4111");
  await page.screenshot({ path: "test-results/portal-phone-unsent.png" });

  await expect(theirs.getByTestId("deleted")).toHaveText("Message deleted", { timeout: ONE_POLL });
  await expect(theirs).not.toContainText("4111");
  await expect(inboxRow(team, "Ana Silva")).toContainText("Message deleted");
});

test("the team unsends a customer's message; the portal shows it deleted within one poll; Cancel keeps it", async ({
  page,
  openPage,
}) => {
  forbidDialogs(page);
  const customer = await openPage({ viewport: { width: 375, height: 667 } });
  await openHydrated(customer, portal.ana);
  await composer(customer).fill("Here is my passport number X1234567");
  await composer(customer).press("Enter");
  await expect(customer.getByTestId("message").last()).toContainText("X1234567");
  // A customer sees no Unsend on the team's messages.
  const teamMessage = customer.locator(".msg.theirs").first();
  await expect(teamMessage.getByRole("button", { name: "Message actions" })).toHaveCount(0);

  await signIn(page, staff.jon);
  await inboxRow(page, "Ana Silva").click();
  const message = page.getByTestId("message").filter({ hasText: "X1234567" });
  await message.getByRole("button", { name: "Message actions" }).click();
  await message.getByRole("menuitem", { name: "Unsend" }).click();
  await message.getByRole("button", { name: "Cancel" }).click();
  await expect(message).toContainText("X1234567");
  await message.getByRole("button", { name: "Message actions" }).click();
  await message.getByRole("menuitem", { name: "Unsend" }).click();
  await message.getByRole("group", { name: "Unsend this message" }).getByRole("button", { name: "Unsend" }).click();
  await expect(page.getByTestId("deleted").last()).toHaveText("Message deleted");
  await page.screenshot({ path: "test-results/dashboard-unsent.png" });

  const gone = customer.getByTestId("message").last();
  await expect(gone.getByTestId("deleted")).toHaveText("Message deleted", { timeout: ONE_POLL });
  await expect(customer.getByText("X1234567")).toHaveCount(0);
});
