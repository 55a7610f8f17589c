import { defineConfig, devices } from "@playwright/test";

// The Makefile builds the server and passes its path and a free port; the suite never downloads a browser.
const port = Number(process.env.PARLEY_E2E_PORT ?? 3100);
const serverBin = process.env.PARLEY_SERVER_BIN ?? "../target/debug/server";

export default defineConfig({
  testDir: "./tests",
  timeout: 30_000,
  expect: { timeout: 10_000 },
  fullyParallel: false,
  workers: 1,
  retries: 0,
  reporter: [["list"]],
  use: {
    baseURL: `http://127.0.0.1:${port}`,
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
  // A fresh in-memory database with the demo data for every run.
  webServer: {
    command: serverBin,
    url: `http://127.0.0.1:${port}/healthz`,
    reuseExistingServer: false,
    timeout: 60_000,
    stdout: "ignore",
    stderr: "pipe",
    env: {
      PARLEY_ADDR: `127.0.0.1:${port}`,
      PARLEY_DB: "mem://",
      PARLEY_DEMO: "1",
      PARLEY_ALLOW_PRIVATE_WEBHOOKS: "1",
    },
  },
});
