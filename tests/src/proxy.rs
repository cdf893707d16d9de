//! A fault-injecting TCP proxy between the kiosk and the gateway, on loopback. While a schedule
//! of faults remains, each connection serves one request and closes, so the client opens a new
//! one for its retry; a delivery of an action (`POST /v1/actions`) takes the next fault, any
//! other request (the catalogue, the announcements the worker refreshes) passes untouched, so
//! the faults are all met by actions. After the schedule, connections pass through untouched.

use std::collections::VecDeque;
use std::net::{Ipv4Addr, SocketAddr};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    /// Bytes go both ways untouched, for as long as the connection lives.
    Pass,
    /// One request goes through untouched, then the connection closes.
    PassOnce,
    /// The request is read, then the connection is closed without an answer.
    Hangup,
    /// The request is read and never answered (the client's timeout must fire).
    Stall,
    /// The request reaches the gateway; only the first half of its answer comes back.
    Truncate,
    /// `500 Internal Server Error` without reaching the gateway.
    ServerError,
    /// `503 Service Unavailable` without reaching the gateway.
    Unavailable,
    /// `429 Too Many Requests` with `Retry-After: 1`.
    TooMany,
    /// The request reaches the gateway; the answer is replaced by a 200 with garbage.
    Garbage,
    /// The request reaches the gateway; its answer comes back one byte every 5 ms.
    Drip,
}

pub struct FaultProxy {
    pub addr: SocketAddr,
    runtime: Option<tokio::runtime::Runtime>,
}

impl FaultProxy {
    pub fn start(upstream: SocketAddr, schedule: Vec<Fault>) -> anyhow::Result<Self> {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()?;
        let listener = runtime.block_on(TcpListener::bind((Ipv4Addr::LOCALHOST, 0)))?;
        let addr = listener.local_addr()?;
        let schedule = Arc::new(Mutex::new(VecDeque::from(schedule)));
        runtime.spawn(async move {
            while let Ok((client, _)) = listener.accept().await {
                tokio::spawn(serve(client, upstream, schedule.clone()));
            }
        });
        Ok(FaultProxy {
            addr,
            runtime: Some(runtime),
        })
    }

    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }
}

impl Drop for FaultProxy {
    fn drop(&mut self) {
        if let Some(rt) = self.runtime.take() {
            rt.shutdown_background();
        }
    }
}

/// Reads one HTTP/1.1 request (head and `Content-Length` body).
async fn read_request(stream: &mut TcpStream) -> std::io::Result<Vec<u8>> {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 4096];
    loop {
        if let Some(end) = find(&buf, b"\r\n\r\n") {
            let head = String::from_utf8_lossy(&buf[..end]).to_ascii_lowercase();
            let length: usize = head
                .lines()
                .find_map(|l| l.strip_prefix("content-length:"))
                .and_then(|v| v.trim().parse().ok())
                .unwrap_or(0);
            if buf.len() >= end + 4 + length {
                return Ok(buf);
            }
        }
        let n = stream.read(&mut chunk).await?;
        if n == 0 {
            return Ok(buf);
        }
        buf.extend_from_slice(&chunk[..n]);
    }
}

/// Reads one HTTP/1.1 response (head and `Content-Length` body).
async fn read_response(stream: &mut TcpStream) -> std::io::Result<Vec<u8>> {
    read_request(stream).await
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// Sends the request to the gateway on a fresh connection and returns its whole answer.
async fn round_trip(upstream: SocketAddr, request: &[u8]) -> std::io::Result<Vec<u8>> {
    let mut gateway = TcpStream::connect(upstream).await?;
    gateway.write_all(request).await?;
    read_response(&mut gateway).await
}

fn canned(status: &str, extra: &str, body: &str) -> Vec<u8> {
    format!(
        "HTTP/1.1 {status}\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n{extra}\r\n{body}",
        body.len()
    )
    .into_bytes()
}

async fn serve(mut client: TcpStream, upstream: SocketAddr, schedule: Arc<Mutex<VecDeque<Fault>>>) {
    let _ = client.set_nodelay(true);
    let scheduled = schedule.lock().map(|s| !s.is_empty()).unwrap_or(false);
    if !scheduled {
        if let Ok(mut gateway) = TcpStream::connect(upstream).await {
            let _ = tokio::io::copy_bidirectional(&mut client, &mut gateway).await;
        }
        return;
    }
    let Ok(request) = read_request(&mut client).await else {
        return;
    };
    let fault = if request.starts_with(b"POST /v1/actions ") {
        schedule
            .lock()
            .map(|mut s| s.pop_front().unwrap_or(Fault::PassOnce))
            .unwrap_or(Fault::PassOnce)
    } else {
        Fault::PassOnce
    };
    let answer = match fault {
        Fault::Pass => return,
        Fault::PassOnce => match round_trip(upstream, &request).await {
            Ok(full) => full,
            Err(_) => return,
        },
        Fault::Hangup => return,
        Fault::Stall => {
            tokio::time::sleep(Duration::from_secs(60)).await;
            return;
        }
        Fault::ServerError => canned("500 Internal Server Error", "", "{}"),
        Fault::Unavailable => canned("503 Service Unavailable", "", ""),
        Fault::TooMany => canned("429 Too Many Requests", "retry-after: 1\r\n", ""),
        Fault::Truncate => match round_trip(upstream, &request).await {
            Ok(full) => full[..full.len() / 2].to_vec(),
            Err(_) => return,
        },
        Fault::Garbage => match round_trip(upstream, &request).await {
            Ok(_) => canned("200 OK", "", "{\"reference\": [garbage"),
            Err(_) => return,
        },
        Fault::Drip => match round_trip(upstream, &request).await {
            Ok(full) => {
                for byte in full {
                    if client.write_all(&[byte]).await.is_err() {
                        return;
                    }
                    tokio::time::sleep(Duration::from_millis(5)).await;
                }
                return;
            }
            Err(_) => return,
        },
    };
    let _ = client.write_all(&answer).await;
    let _ = client.shutdown().await;
}
