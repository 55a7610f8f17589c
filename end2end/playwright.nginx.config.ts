// The portal and dashboard suites against two Parley
// servers behind nginx (round robin) on one SurrealDB server over ws://. Run:
//   cd end2end && PARLEY_SERVER_BIN=… PARLEY_SURREAL_BIN=… npx playwright test -c playwright.nginx.config.ts
// Every test still gets fresh demo data: tests/cluster.ts empties the database and restarts both
// servers before each test (SurrealDB and nginx stay up for the worker's life).
import { defineConfig } from "@playwright/test";
import base from "./playwright.config";

process.env.PARLEY_CLUSTER = "1"; // read by tests/helpers.ts in the worker processes

export default defineConfig({
  ...base,
  testMatch: ["portal.spec.ts", "dashboard.spec.ts"],
  // Two debug servers started one after the other (the first seeds over ws://) before every test.
  timeout: 90_000,
  // One cluster, fixed ports: tests must not run side by side.
  workers: 1,
  fullyParallel: false,
  outputDir: "test-results-nginx",
});
