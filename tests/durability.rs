//! A case is on disk before the resident is told its number: the server is killed
//! (SIGKILL, no shutdown) right after the case is opened, and after a restart the case
//! is there.

mod common;

use serde_json::{json, Value};
use std::net::TcpListener;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

struct Server {
    child: Child,
    base: String,
}

impl Server {
    fn start(data: &std::path::Path) -> Server {
        let port = free_port();
        let child = Command::new(env!("CARGO_BIN_EXE_mingbai"))
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .env("MINGBAI_LOG", "warn")
            .arg("--data")
            .arg(data)
            .args(["serve", "--listen", &format!("127.0.0.1:{port}")])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let server = Server {
            child,
            base: format!("http://127.0.0.1:{port}"),
        };
        let started = Instant::now();
        while ureq::get(&format!("{}/healthz", server.base))
            .call()
            .is_err()
        {
            assert!(
                started.elapsed() < Duration::from_secs(60),
                "server did not start"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
        server
    }

    fn chat(&self, session: Option<&str>, text: &str) -> Value {
        let mut body = json!({ "text": text });
        if let Some(session) = session {
            body["session"] = json!(session);
        }
        ureq::post(&format!("{}/api/chat", self.base))
            .send_json(body)
            .unwrap()
            .into_json()
            .unwrap()
    }

    fn kill(mut self) {
        self.child.kill().unwrap(); // SIGKILL: no graceful shutdown, no flush on exit
        self.child.wait().unwrap();
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[test]
fn a_case_survives_the_server_being_killed_right_after_it_is_opened() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(dir.path());
    let first = server.chat(None, "老板欠俺三个月工钱不给，俺是天桥街道新华社区的");
    let session = first["session"].as_str().unwrap().to_string();
    let reply = server.chat(Some(&session), "不留，匿名反映");
    let id = reply["case"]["id"]
        .as_str()
        .expect("case opened")
        .to_string();
    let token = reply["case"]["token"].as_str().unwrap().to_string();
    server.kill();

    let server = Server::start(dir.path());
    let shown: Value = ureq::get(&format!("{}/api/cases/{id}?token={token}", server.base))
        .call()
        .unwrap()
        .into_json()
        .unwrap();
    assert_eq!(shown["id"], id.as_str());
    assert_eq!(shown["place"], "天桥街道新华社区");
    // The conversation goes on in the same session after the restart.
    let again = server.chat(Some(&session), "还有别的办法吗");
    assert_eq!(again["session"], session.as_str());
}
