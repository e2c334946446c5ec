//! What the browser tests stand on: the real server binary, chromedriver driving headless
//! Chromium, and a host page on another origin. Chromium and chromedriver are the Debian
//! packages `chromium` and `chromium-driver`; `scripts/test` installs them. Without them
//! the tests fail and say so: they never skip.
#![allow(dead_code)]

use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::{json, Value};
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// How long anything may take to show up: Chromium shares two cores with the build.
pub const PATIENCE: Duration = Duration::from_secs(90);

pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn wait_until_up(what: &str, url: &str) {
    let started = Instant::now();
    while ureq::get(url).call().is_err() {
        assert!(started.elapsed() < PATIENCE, "{what} did not start");
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// A program on the PATH, or a panic that says how to install it.
fn program(name: &str) -> PathBuf {
    let found = std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|dir| dir.join(name))
            .find(|path| path.is_file())
    });
    found.unwrap_or_else(|| {
        panic!(
            "`{name}` is not installed: the browser tests need Chromium and chromedriver. \
             Run `scripts/test` (it installs them), or `sudo apt-get install chromium chromium-driver`."
        )
    })
}

/// The real `mingbai serve` on a free port, with its data in a temporary folder.
pub struct Server {
    child: Child,
    _data: tempfile::TempDir,
    pub base: String,
}

impl Server {
    /// `env` adds MINGBAI_* settings, e.g. the CORS origins.
    pub fn start(env: &[(&str, &str)]) -> Server {
        let data = tempfile::tempdir().unwrap();
        let port = free_port();
        let child = Command::new(env!("CARGO_BIN_EXE_mingbai"))
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            // Urgent-notice warnings of the danger turn are expected: errors only.
            .env("MINGBAI_LOG", "error")
            .envs(env.iter().copied())
            .arg("--data")
            .arg(data.path())
            .args(["serve", "--listen", &format!("127.0.0.1:{port}")])
            .stdout(Stdio::null())
            .spawn()
            .unwrap();
        let server = Server {
            child,
            _data: data,
            base: format!("http://127.0.0.1:{port}"),
        };
        wait_until_up("the server", &format!("{}/healthz", server.base));
        server
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The size of the page in CSS pixels.
#[derive(Debug, Clone, Copy)]
pub enum Screen {
    Desktop { width: u32, height: u32 },
    Phone { width: u32, height: u32 },
}

/// chromedriver on a free port.
pub struct Driver {
    child: Child,
    url: String,
}

impl Driver {
    pub fn start() -> Driver {
        program("chromium");
        let port = free_port();
        let child = Command::new(program("chromedriver"))
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let url = format!("http://127.0.0.1:{port}");
        wait_until_up("chromedriver", &format!("{url}/status"));
        Driver { child, url }
    }

    /// A headless Chromium showing pages at this size.
    pub async fn browser(&self, screen: Screen) -> Browser {
        let mut options = json!({
            "args": [
                "--headless=new",
                // CI runs as root, where Chromium's sandbox cannot start.
                "--no-sandbox",
                "--disable-dev-shm-usage",
                "--disable-gpu",
                "--lang=zh-CN",
            ]
        });
        match screen {
            Screen::Desktop { width, height } => options["args"]
                .as_array_mut()
                .unwrap()
                .push(json!(format!("--window-size={width},{height}"))),
            // A real phone viewport (a headless window has a minimum width).
            Screen::Phone { width, height } => {
                options["mobileEmulation"] = json!({
                    "deviceMetrics": { "width": width, "height": height, "pixelRatio": 2, "touch": true }
                })
            }
        }
        let mut capabilities = serde_json::Map::new();
        capabilities.insert("browserName".into(), json!("chrome"));
        capabilities.insert("goog:chromeOptions".into(), options);
        let connector = hyper_util::client::legacy::connect::HttpConnector::new();
        let client = ClientBuilder::new(connector)
            .capabilities(capabilities)
            .connect(&self.url)
            .await
            .expect("chromedriver starts a headless Chromium");
        Browser { client }
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A browser session with the waits and looks the tests need.
pub struct Browser {
    pub client: Client,
}

impl Browser {
    pub async fn goto(&self, url: &str) {
        self.client.goto(url).await.unwrap();
    }

    /// Runs a JavaScript function body (`return …`) on the page.
    pub async fn js(&self, body: &str) -> Value {
        self.client
            .execute(body, vec![])
            .await
            .unwrap_or_else(|e| panic!("script failed: {e}\n{body}"))
    }

    /// Waits until the JavaScript expression is true; on time-out, fails with what the
    /// widget shows.
    pub async fn wait_for(&self, what: &str, expression: &str) {
        let started = Instant::now();
        let check = format!("return !!({expression});");
        while self.js(&check).await != json!(true) {
            if started.elapsed() > PATIENCE {
                let shown = self.widget_text().await;
                panic!("timed out waiting for {what} ({expression}); the widget shows:\n{shown}");
            }
            tokio_sleep(Duration::from_millis(100)).await;
        }
    }

    /// Waits until the widget shows `n` replies (answers or errors) and waits for no other.
    pub async fn wait_for_replies(&self, n: usize) {
        self.wait_for(
            &format!("reply {n}"),
            &format!(
                "document.querySelectorAll('.mingbai-widget .mb-log .mb-bot:not(.mb-greeting), \
                 .mingbai-widget .mb-log .mb-error').length === {n} && \
                 document.querySelector('.mingbai-widget .mb-log').getAttribute('aria-busy') !== 'true'"
            ),
        )
        .await;
    }

    pub async fn widget_text(&self) -> String {
        let text = self
            .js("var w = document.querySelector('.mingbai-widget'); return w ? w.innerText : '(no widget)';")
            .await;
        text.as_str().unwrap_or_default().to_string()
    }

    pub async fn click(&self, css: &str) {
        self.client
            .find(Locator::Css(css))
            .await
            .unwrap_or_else(|e| panic!("no {css}: {e}"))
            .click()
            .await
            .unwrap();
    }

    /// Clicks the button whose text is exactly `label`, inside `css`.
    pub async fn click_button(&self, css: &str, label: &str) {
        let buttons = self
            .client
            .find_all(Locator::Css(&format!("{css} button")))
            .await
            .unwrap();
        for button in buttons {
            if button.text().await.unwrap().trim() == label {
                button.click().await.unwrap();
                return;
            }
        }
        panic!(
            "no button {label:?} in {css}; the widget shows:\n{}",
            self.widget_text().await
        );
    }

    pub async fn type_into(&self, css: &str, text: &str) {
        self.client
            .find(Locator::Css(css))
            .await
            .unwrap()
            .send_keys(text)
            .await
            .unwrap();
    }

    /// The elements' texts.
    pub async fn texts(&self, css: &str) -> Vec<String> {
        let mut texts = Vec::new();
        for element in self.client.find_all(Locator::Css(css)).await.unwrap() {
            texts.push(element.text().await.unwrap());
        }
        texts
    }

    pub async fn count(&self, css: &str) -> usize {
        self.client.find_all(Locator::Css(css)).await.unwrap().len()
    }

    /// Saves a screenshot when MINGBAI_SCREENSHOTS names a folder (to look at the widget).
    pub async fn screenshot(&self, name: &str) {
        if let Some(dir) = std::env::var_os("MINGBAI_SCREENSHOTS") {
            let png = self.client.screenshot().await.unwrap();
            std::fs::create_dir_all(&dir).unwrap();
            std::fs::write(Path::new(&dir).join(format!("{name}.png")), png).unwrap();
        }
    }

    pub async fn close(self) {
        self.client.close().await.unwrap();
    }
}

/// Sleeps without blocking the runtime the WebDriver client runs on.
async fn tokio_sleep(duration: Duration) {
    actix_web::rt::time::sleep(duration).await;
}

/// Another site: serves one page, in `charset`, that embeds the widget from a server.
/// Bound first, so that the server can be told its origin before the page is served.
pub struct HostPage {
    listener: TcpListener,
    pub port: u16,
}

impl HostPage {
    pub fn bind() -> HostPage {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        HostPage { listener, port }
    }

    pub fn serve(self, server: &str, charset: &'static str) -> HostPage {
        let page = format!(
            "<!doctype html><html><head><meta charset=\"{charset}\">\
             <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
             <title>Village notice board</title></head><body><h1>Village notice board</h1>\
             <p>Questions? Use the chat button.</p>\
             <script src=\"{server}/widget.js\" data-title=\"Ask us\" defer></script>\
             </body></html>"
        );
        let listener = self.listener.try_clone().unwrap();
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                serve_page(stream, &page, charset);
            }
        });
        self
    }
}

fn serve_page(mut stream: TcpStream, page: &str, charset: &str) {
    let mut request = Vec::new();
    let mut buffer = [0u8; 1024];
    while !request.windows(4).any(|w| w == b"\r\n\r\n") {
        match stream.read(&mut buffer) {
            Ok(0) | Err(_) => return,
            Ok(n) => request.extend_from_slice(&buffer[..n]),
        }
    }
    let root = request.starts_with(b"GET / ");
    let (status, body) = if root {
        ("200 OK", page)
    } else {
        ("404 Not Found", "")
    };
    let response = format!(
        "HTTP/1.1 {status}\r\ncontent-type: text/html; charset={charset}\r\n\
         content-length: {}\r\nconnection: close\r\n\r\n{body}",
        body.len()
    );
    let _ = stream.write_all(response.as_bytes());
}
