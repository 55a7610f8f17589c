// Two Parley servers behind nginx, sharing one SurrealDB server.
// Used by helpers.ts when PARLEY_CLUSTER=1 (playwright.nginx.config.ts sets it).
//
// Once per worker: SurrealDB (in memory, root user from the environment) and nginx on fixed ports.
// Before every test: both Parley servers stopped, the `parley` namespace removed, server A started
// with PARLEY_DEMO=1 (migrates and seeds), then server B (migrates: nothing left to do; seeds:
// "already there"). One after the other, because seed_demo checks for locations and then writes
// without a transaction: two servers on an empty database would both seed.
import { ChildProcess, spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { connect, createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

const HOME = process.env.HOME ?? "/root";
const SURREAL_BIN = process.env.PARLEY_SURREAL_BIN ?? `${HOME}/.cache/parley/target/debug/surreal-server`;
const NGINX_BIN = process.env.PARLEY_NGINX_BIN ?? "/usr/sbin/nginx";
const TEMPLATE = process.env.PARLEY_NGINX_TEMPLATE ?? join(__dirname, "..", "nginx.conf.template");

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const port = (probe.address() as { port: number }).port;
      probe.close(() => resolve(port));
    });
  });
}

interface Proc {
  child: ChildProcess;
  log: () => string;
}

function launch(bin: string, args: string[], env: NodeJS.ProcessEnv): Proc {
  const child = spawn(bin, args, { env, stdio: ["ignore", "ignore", "pipe"] });
  let log = "";
  child.stderr?.on("data", (chunk) => (log += chunk));
  child.once("error", (err) => (log += `\n${bin}: ${err.message}`));
  return { child, log: () => log };
}

async function stopProc(p: Proc | null) {
  if (!p || p.child.exitCode !== null || p.child.signalCode !== null) return;
  const exited = new Promise((resolve) => p.child.once("exit", resolve));
  p.child.kill("SIGTERM");
  await exited;
}

/** Polls until `ready()` holds; fails early if the process exits. */
async function waitFor(what: string, p: Proc, ready: () => Promise<boolean>, ms = 30_000) {
  const deadline = Date.now() + ms;
  for (;;) {
    if (p.child.exitCode !== null) throw new Error(`${what} exited with ${p.child.exitCode}:\n${p.log()}`);
    if (await ready().catch(() => false)) return;
    if (Date.now() > deadline) throw new Error(`${what} was not ready within ${ms / 1000} s:\n${p.log()}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const httpOk = (url: string) => async () => (await fetch(url)).ok;
const listening = (port: number) => () =>
  new Promise<boolean>((resolve) => {
    const socket = connect(port, "127.0.0.1");
    socket.once("connect", () => (socket.destroy(), resolve(true)));
    socket.once("error", () => resolve(false));
  });

export interface Cluster {
  /** nginx: every test's baseURL. */
  baseURL: string;
  /** Fresh demo data and two fresh Parley servers; `extraEnv` is given to both (SMTP for `mail`). */
  fresh: (extraEnv: Record<string, string>) => Promise<{ log: () => string; stop: () => Promise<void> }>;
  close: () => Promise<void>;
}

export async function startCluster(): Promise<Cluster> {
  // SurrealDB, in memory.
  const dbPort = await freePort();
  const dbPass = `e2e-${randomUUID()}`;
  const surreal = launch(
    SURREAL_BIN,
    ["start", "--log", "warn", "--no-banner", "--bind", `127.0.0.1:${dbPort}`, "memory"],
    { ...process.env, SURREAL_ONLINE_VERSION_CHECK: "false", SURREAL_USER: "root", SURREAL_PASS: dbPass },
  );
  await waitFor("SurrealDB", surreal, httpOk(`http://127.0.0.1:${dbPort}/health`));

  // nginx, in front of two fixed ports the Parley servers come back to before every test.
  const [portA, portB, listen] = [await freePort(), await freePort(), await freePort()];
  const prefix = mkdtempSync(join(tmpdir(), "parley-nginx-"));
  // Run as root, nginx's workers become "nobody"; they must reach the temp dirs nginx makes here.
  chmodSync(prefix, 0o755);
  const conf = readFileSync(TEMPLATE, "utf8")
    .replaceAll("@PREFIX@", prefix)
    .replaceAll("@LISTEN@", String(listen))
    .replaceAll("@PORT_A@", String(portA))
    .replaceAll("@PORT_B@", String(portB))
    // No kept connections to the servers: they restart before every test, and nginx does not
    // retry a POST on a stale one.
    .replaceAll("@UPSTREAM_KEEPALIVE@", "");
  writeFileSync(join(prefix, "nginx.conf"), conf);
  const nginx = launch(NGINX_BIN, ["-p", prefix, "-c", join(prefix, "nginx.conf"), "-e", "stderr"], process.env);
  await waitFor("nginx", nginx, listening(listen));
  const baseURL = `http://127.0.0.1:${listen}`;

  const removeNamespace = async () => {
    const answer = await fetch(`http://127.0.0.1:${dbPort}/sql`, {
      method: "POST",
      headers: { accept: "application/json", authorization: `Basic ${Buffer.from(`root:${dbPass}`).toString("base64")}` },
      body: "REMOVE NAMESPACE IF EXISTS parley;",
    });
    const body = await answer.text();
    if (!answer.ok || !body.includes('"status":"OK"')) throw new Error(`could not empty the database: ${body}`);
  };

  let servers: Proc[] = [];
  let files: string | null = null;
  const stopServers = async () => {
    for (const s of servers) await stopProc(s);
    servers = [];
    if (files) rmSync(files, { recursive: true, force: true });
    files = null;
  };

  const fresh = async (extraEnv: Record<string, string>) => {
    await stopServers();
    await removeNamespace();
    // One files directory for both: a photo uploaded through A is served by B.
    files = mkdtempSync(join(tmpdir(), "parley-files-"));
    const env = (port: number): NodeJS.ProcessEnv => ({
      ...process.env,
      PARLEY_ADDR: `127.0.0.1:${port}`,
      PARLEY_DB: `ws://127.0.0.1:${dbPort}`,
      PARLEY_DB_USER: "root",
      PARLEY_DB_PASS: dbPass,
      // Both with the flag, so the start page lists the demo whichever server answers; only A seeds.
      PARLEY_DEMO: "1",
      PARLEY_ALLOW_PRIVATE_WEBHOOKS: "1",
      PARLEY_LOG: "warn",
      PARLEY_FILES: files!,
      PARLEY_PUBLIC_URL: baseURL,
      ...extraEnv,
    });
    for (const port of [portA, portB]) {
      const server = launch(process.env.PARLEY_SERVER_BIN ?? "../target/debug/server", [], env(port));
      servers.push(server);
      await waitFor(`Parley on ${port}`, server, httpOk(`http://127.0.0.1:${port}/healthz`));
    }
    // Through nginx, twice: round robin reaches each server once.
    for (let i = 0; i < 2; i++) if (!(await fetch(`${baseURL}/healthz`)).ok) throw new Error("nginx: no healthy upstream");
    const names = ["A", "B"];
    const snapshot = [...servers];
    return {
      log: () => snapshot.map((s, i) => `--- server ${names[i]}\n${s.log()}`).join("\n") + `\n--- nginx\n${nginx.log()}`,
      stop: stopServers,
    };
  };

  const close = async () => {
    await stopServers();
    await stopProc(nginx);
    await stopProc(surreal);
    rmSync(prefix, { recursive: true, force: true });
  };
  return { baseURL, fresh, close };
}
