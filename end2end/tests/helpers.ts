import { expect, Page } from "@playwright/test";

/** Demo portal tokens (fixed by the demo seed); each test uses its own booking. */
export const portal = {
  ana: "/portal/demo-portal-ana-silva-kayak",
  ben: "/portal/demo-portal-ben-okafor-kayak",
  chloe: "/portal/demo-portal-chloe-martin-escape",
  grace: "/portal/demo-portal-grace-kim-escape",
  hugo: "/portal/demo-portal-hugo-laurent-kayak",
  ines: "/portal/demo-portal-ines-costa-escape",
  jamal: "/portal/demo-portal-jamal-wright-kayak",
  kaito: "/portal/demo-portal-kaito-sato-escape",
  lena: "/portal/demo-portal-lena-fischer-kayak",
  emma: "/portal/demo-portal-emma-nowak-escape",
  farid: "/portal/demo-portal-farid-haddad-kayak",
};

/** Opens a page and waits until the wasm has hydrated it. */
export async function openHydrated(page: Page, path: string) {
  await page.goto(path);
  await expect(page.locator("body[data-hydrated=true]")).toHaveCount(1, { timeout: 20_000 });
}

/** Fails the test if any dialog (alert, confirm) opens. */
export function forbidDialogs(page: Page) {
  page.on("dialog", async (dialog) => {
    await dialog.dismiss();
    throw new Error(`a dialog opened: ${dialog.message()}`);
  });
}

export const composer = (page: Page) => page.getByRole("textbox", { name: "Message to the team" });
export const messages = (page: Page) => page.getByTestId("message");
