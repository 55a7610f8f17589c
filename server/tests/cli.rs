//! The `server` binary as an operator meets it: flags, errors, signals and a durable restart.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_server");

fn run(args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut command = Command::new(BIN);
    command.args(args).env_remove("PARLEY_DEMO").env_remove("PARLEY_DB").env_remove("PARLEY_ADDR");
    for (k, v) in env {
        command.env(k, v);
    }
    command.output().expect("the server binary runs")
}

#[test]
fn a_bad_flag_is_a_short_error_and_a_non_zero_exit() {
    let out = run(&["--addr", "not-an-address"], &[]);
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("--addr"), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
}

#[test]
fn an_unreachable_database_is_one_line_and_a_non_zero_exit() {
    let port = free_port();
    let out = run(&["--db", &format!("ws://127.0.0.1:{port}")], &[("PARLEY_ADDR", "127.0.0.1:0")]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    let lines: Vec<&str> = stderr.lines().filter(|l| l.starts_with("parley:")).collect();
    assert_eq!(lines.len(), 1, "{stderr}");
    assert!(lines[0].contains("cannot open the database"), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
}

#[test]
fn demo_data_survives_a_restart_and_sigterm_stops_cleanly() {
    let dir = std::env::temp_dir().join(format!("parley-cli-{}", std::process::id()));
    let db = format!("surrealkv://{}", dir.join("db").display());

    let (child, _) = start(&db, true);
    let first = stop(child);
    assert!(first.status.success(), "SIGTERM ends with exit 0: {first:?}");
    assert!(String::from_utf8_lossy(&first.stdout).contains("seeded the demo data"));

    let (child, addr2) = start(&db, true);
    assert_eq!(http_get(addr2, "/healthz").0, 200);
    let second = stop(child);
    let stdout = String::from_utf8_lossy(&second.stdout);
    assert!(stdout.contains("already had data"), "the second start found the first one's data: {stdout}");
    let _ = std::fs::remove_dir_all(dir);
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

/// Starts the server and waits until /healthz answers.
fn start(db: &str, demo: bool) -> (Child, SocketAddr) {
    let addr: SocketAddr = format!("127.0.0.1:{}", free_port()).parse().unwrap();
    let mut command = Command::new(BIN);
    command
        .env("PARLEY_ADDR", addr.to_string())
        .env("PARLEY_DB", db)
        .env("PARLEY_DEMO", if demo { "1" } else { "0" })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = command.spawn().expect("the server starts");
    let deadline = Instant::now() + Duration::from_secs(60);
    while Instant::now() < deadline {
        if TcpStream::connect(addr).is_ok() && http_get(addr, "/healthz").0 == 200 {
            return (child, addr);
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    let _ = child.kill();
    let _ = child.wait();
    panic!("the server did not answer /healthz within 60 s");
}

fn stop(child: Child) -> Output {
    let status = Command::new("kill").args(["-TERM", &child.id().to_string()]).status().unwrap();
    assert!(status.success());
    child.wait_with_output().unwrap()
}

/// A minimal HTTP/1.0 GET, enough for a health check.
fn http_get(addr: SocketAddr, path: &str) -> (u16, String) {
    let Ok(mut stream) = TcpStream::connect(addr) else { return (0, String::new()) };
    stream.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    let _ = write!(stream, "GET {path} HTTP/1.0\r\nHost: {addr}\r\n\r\n");
    let mut response = String::new();
    let _ = stream.read_to_string(&mut response);
    let status = response.split_whitespace().nth(1).and_then(|s| s.parse().ok()).unwrap_or(0);
    let body = response.split_once("\r\n\r\n").map(|(_, b)| b.to_owned()).unwrap_or_default();
    (status, body)
}
