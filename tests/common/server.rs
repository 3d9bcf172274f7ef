//! A running `showpress serve` for tests: started on a free port of 127.0.0.1, its stdout lines
//! and stderr collected by threads, killed and reaped when dropped (even after a panic).
//! Test files add their own waiting helpers in `impl Server` blocks.
#![allow(dead_code)]

use std::io::{BufRead, BufReader, Read};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::{Receiver, RecvTimeoutError, channel};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use super::common::TestSite;

pub struct Server {
    pub child: Child,
    /// 0 until the test has read the `Serving` line.
    pub port: u16,
    pub lines: Receiver<String>,
    /// Every stdout line received so far.
    pub stdout: Vec<String>,
    pub stderr: Arc<Mutex<String>>,
}

impl Server {
    /// Starts `showpress --root <site> serve --port 0 <extra>` without waiting for it.
    pub fn spawn(site: &TestSite, extra: &[&str]) -> Server {
        let mut child = Command::new(env!("CARGO_BIN_EXE_showpress"))
            .arg("--root")
            .arg(site.root())
            .args(["serve", "--port", "0"])
            .args(extra)
            .current_dir(site.root())
            .env_remove("SHOWPRESS_TIMING")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start showpress serve");
        let (tx, lines) = channel();
        let out = child.stdout.take().unwrap();
        std::thread::spawn(move || {
            for line in BufReader::new(out).lines() {
                let Ok(line) = line else { break };
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        let stderr = Arc::new(Mutex::new(String::new()));
        let mut err = child.stderr.take().unwrap();
        let sink = stderr.clone();
        std::thread::spawn(move || {
            let mut buf = [0u8; 4096];
            while let Ok(n) = err.read(&mut buf) {
                if n == 0 {
                    break;
                }
                sink.lock()
                    .unwrap()
                    .push_str(&String::from_utf8_lossy(&buf[..n]));
            }
        });
        Server {
            child,
            port: 0,
            lines,
            stdout: Vec::new(),
            stderr,
        }
    }

    /// Starts `serve` like [`Server::spawn`] and waits (up to `wait`) for its `Serving` line.
    pub fn serving(site: &TestSite, extra: &[&str], wait: Duration) -> Server {
        let mut server = Server::spawn(site, extra);
        let serving = server
            .line_before("Serving http://127.0.0.1:", Instant::now() + wait)
            .unwrap_or_else(|| panic!("serve did not start:\n{}", server.stderr()));
        server.port = Server::port_of(&serving);
        server
    }

    /// The next stdout line starting with `prefix` within `timeout`; fails the test with
    /// serve's output and exit status when none comes.
    #[track_caller]
    pub fn wait_line_within(&mut self, prefix: &str, timeout: Duration) -> String {
        match self.line_before(prefix, Instant::now() + timeout) {
            Some(line) => line,
            None => {
                let status = self.child.try_wait().ok().flatten();
                panic!(
                    "no stdout line starting with {prefix:?} within {timeout:?} (exit status {status:?})\n\
                     --- stdout ---\n{}\n--- stderr ---\n{}",
                    self.stdout.join("\n"),
                    self.stderr()
                );
            }
        }
    }

    /// The next stdout line starting with `prefix`, or `None` once `deadline` passes (lines
    /// before it are kept in `stdout`).
    pub fn line_before(&mut self, prefix: &str, deadline: Instant) -> Option<String> {
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.lines.recv_timeout(left) {
                Ok(line) => {
                    self.stdout.push(line.clone());
                    if line.starts_with(prefix) {
                        return Some(line);
                    }
                }
                Err(RecvTimeoutError::Timeout | RecvTimeoutError::Disconnected) => return None,
            }
        }
    }

    /// Every stdout line that arrives until none has for `quiet`.
    pub fn lines_until_quiet(&mut self, quiet: Duration) -> Vec<String> {
        let mut got = Vec::new();
        while let Ok(line) = self.lines.recv_timeout(quiet) {
            self.stdout.push(line.clone());
            got.push(line);
        }
        got
    }

    /// The port in a `Serving http://127.0.0.1:PORT/ (Ctrl-C to stop)` line.
    pub fn port_of(serving: &str) -> u16 {
        serving
            .strip_prefix("Serving http://127.0.0.1:")
            .and_then(|rest| rest.split('/').next())
            .and_then(|p| p.parse().ok())
            .unwrap_or_else(|| panic!("no port in {serving:?}"))
    }

    /// What the server printed, without the no-Hangul-font notice (see `TestSite::run`).
    pub fn stderr(&self) -> String {
        self.stderr
            .lock()
            .unwrap()
            .replace(super::common::cards::NO_HANGUL, "")
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
