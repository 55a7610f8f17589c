import { defineConfig, devices } from "@playwright/test";

// The Makefile builds the server and passes its path (PARLEY_SERVER_BIN); every test starts a server
// of its own on a fresh in-memory database with the demo data (tests/helpers.ts), so no test sees
// another's changes. The suite never downloads a browser.
export default defineConfig({
  testDir: "./tests",
  timeout: 45_000,
  expect: { timeout: 10_000 },
  fullyParallel: false,
  workers: 1,
  retries: 0,
  reporter: [["list"]],
  use: {
    trace: "retain-on-failure",
    ...devices["Desktop Chrome"],
    launchOptions: {
      executablePath: "/usr/bin/chromium",
      args: [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
      ],
    },
  },
});
