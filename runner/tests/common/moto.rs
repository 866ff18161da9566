//! moto's server for the deploy tests: the tools installed into `target/venv` once
//! (the same venv and stamp as `make test-deps`), and a server on a free port of
//! 127.0.0.1, stopped when dropped. Without Python, pip or PyPI the tests fail with a
//! message saying so: they never pass silently.

use std::fs::File;
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use super::workspace;

/// What `make test-deps` installs; keep the two in step.
pub const PACKAGES: &[&str] = &["aws-sam-cli==1.170.0", "moto[server]==5.2.1"];

/// `target/venv/bin`, installing the tools into `target/venv` when its stamp is missing.
pub fn tools() -> PathBuf {
    let venv = workspace().join("target/venv");
    let stamp = venv.join(".installed");
    let bin = venv.join("bin");
    if stamp.exists() {
        return bin;
    }
    std::fs::create_dir_all(workspace().join("target")).unwrap();
    // Test binaries run in parallel processes: one installs, the others wait.
    let lock = File::create(workspace().join("target/venv.lock")).unwrap();
    lock.lock().unwrap();
    if stamp.exists() {
        return bin;
    }
    let run = |what: &str, cmd: &mut Command| {
        let status = cmd
            .status()
            .unwrap_or_else(|e| panic!("{what}: cannot run {:?}: {e}", cmd.get_program()));
        assert!(
            status.success(),
            "{what} failed ({status}). This test needs Python 3 with venv and pip, and PyPI \
             (CI has it), to install {} into {}",
            PACKAGES.join(" "),
            venv.display()
        );
    };
    run(
        "creating the venv",
        Command::new("python3").arg("-m").arg("venv").arg(&venv),
    );
    run(
        "pip install",
        Command::new(bin.join("pip"))
            .args(["install", "--quiet", "--disable-pip-version-check"])
            .args(PACKAGES),
    );
    File::create(&stamp).unwrap();
    bin
}

/// moto's server on a free port of 127.0.0.1, stopped when dropped.
pub struct Moto {
    child: Child,
    port: u16,
}

impl Moto {
    /// moto's own server.
    pub fn start(bin: &Path, log: &Path) -> Moto {
        Moto::spawn(Command::new(bin.join("moto_server")), log)
    }

    /// moto's server through `runner/tests/fixtures/cloudformation/moto_server.py`,
    /// which makes a refused resource fail the way CloudFormation fails (events and a
    /// rollback) instead of failing the API call; `plain` runs moto unchanged.
    pub fn start_failing_like_cloudformation(bin: &Path, log: &Path, plain: bool) -> Moto {
        let mut command = Command::new(bin.join("python3"));
        command.arg(super::fixture("cloudformation/moto_server.py"));
        if plain {
            command.arg("--plain");
        }
        Moto::spawn(command, log)
    }

    fn spawn(mut command: Command, log: &Path) -> Moto {
        let port = TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let log = File::create(log).unwrap();
        let child = command
            .args(["-H", "127.0.0.1", "-p", &port.to_string()])
            .stdin(Stdio::null())
            .stdout(log.try_clone().unwrap())
            .stderr(log)
            .spawn()
            .expect("starting moto_server");
        let mut moto = Moto { child, port };
        let deadline = Instant::now() + Duration::from_secs(60);
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            if let Some(status) = moto.child.try_wait().unwrap() {
                panic!("moto_server exited before answering: {status}");
            }
            assert!(
                Instant::now() < deadline,
                "moto_server did not answer on port {port}"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
        moto
    }

    /// moto reads bucket names from the path only when the host is `localhost`.
    pub fn endpoint(&self) -> String {
        format!("http://localhost:{}", self.port)
    }

    /// Points `cmd` at this server with dummy credentials in us-east-1, and drops the
    /// profile, region and session token of the environment the tests run in.
    pub fn aim<'c>(&self, cmd: &'c mut assert_cmd::Command) -> &'c mut assert_cmd::Command {
        cmd.env("AWS_ENDPOINT_URL", self.endpoint())
            .env("AWS_ACCESS_KEY_ID", "testing")
            .env("AWS_SECRET_ACCESS_KEY", "testing")
            .env("AWS_DEFAULT_REGION", "us-east-1")
            .env_remove("AWS_PROFILE")
            .env_remove("AWS_REGION")
            .env_remove("AWS_SESSION_TOKEN")
    }
}

impl Drop for Moto {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
