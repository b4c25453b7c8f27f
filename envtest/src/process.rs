//! Starting and stopping the control-plane processes so that none outlives the test.
//!
//! * Every child runs in its own process group, so a Ctrl-C in the terminal reaches only the
//!   test binary (or `cargo operator envtest up`), which then stops the children in order.
//! * On Linux every child gets `PR_SET_PDEATHSIG = SIGKILL`: if the test binary dies without
//!   unwinding (SIGKILL, `abort`, a harness timeout), the kernel kills etcd and kube-apiserver
//!   too. That signal follows the *thread* that forked, so children are forked from one
//!   spawner thread that lives as long as the process.
//! * [`Managed`] kills and reaps its child on drop, which also runs while a test panics.

use std::io;
use std::net::{Ipv4Addr, TcpListener};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::sync::{Mutex, OnceLock};

type SpawnRequest = (Command, mpsc::Sender<io::Result<Child>>);

fn spawner() -> &'static Mutex<mpsc::Sender<SpawnRequest>> {
    static SPAWNER: OnceLock<Mutex<mpsc::Sender<SpawnRequest>>> = OnceLock::new();
    SPAWNER.get_or_init(|| {
        let (tx, rx) = mpsc::channel::<SpawnRequest>();
        std::thread::Builder::new()
            .name("envtest-spawner".into())
            .spawn(move || {
                for (mut command, reply) in rx {
                    let _ = reply.send(command.spawn());
                }
                // The sender lives in a static: this loop never ends, so the thread (and with
                // it the children's parent-death signal) lasts as long as the process.
            })
            .expect("spawning the envtest spawner thread");
        Mutex::new(tx)
    })
}

fn spawn(mut command: Command) -> io::Result<Child> {
    #[cfg(unix)]
    {
        use std::os::unix::process::CommandExt;
        command.process_group(0);
        #[cfg(target_os = "linux")]
        // SAFETY: getpid, prctl, getppid and _exit are async-signal-safe; nothing allocates.
        unsafe {
            let parent = libc::getpid();
            command.pre_exec(move || {
                if libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL) != 0 {
                    return Err(io::Error::last_os_error());
                }
                // The parent may have died between fork and prctl.
                if libc::getppid() != parent {
                    libc::_exit(1);
                }
                Ok(())
            });
        }
    }
    let (reply_tx, reply_rx) = mpsc::channel();
    spawner()
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
        .send((command, reply_tx))
        .map_err(|_| io::Error::other("envtest spawner thread is gone"))?;
    reply_rx
        .recv()
        .map_err(|_| io::Error::other("envtest spawner thread is gone"))?
}

/// A control-plane process, killed (SIGKILL) and reaped when dropped.
#[derive(Debug)]
pub(crate) struct Managed {
    pub name: &'static str,
    pub log: PathBuf,
    child: Option<Child>,
}

impl Managed {
    /// Starts `binary args…` with stdout and stderr going to `log`.
    pub fn start(
        name: &'static str,
        binary: &Path,
        args: &[String],
        log: PathBuf,
    ) -> io::Result<Self> {
        let out = std::fs::File::create(&log)?;
        let err = out.try_clone()?;
        let mut command = Command::new(binary);
        command
            .args(args)
            .stdin(Stdio::null())
            .stdout(out)
            .stderr(err);
        let child = spawn(command)
            .map_err(|e| io::Error::new(e.kind(), format!("starting {}: {e}", binary.display())))?;
        Ok(Self {
            name,
            log,
            child: Some(child),
        })
    }

    /// `Some(status)` once the process has exited.
    pub fn exited(&mut self) -> Option<std::process::ExitStatus> {
        self.child
            .as_mut()
            .and_then(|c| c.try_wait().ok().flatten())
    }

    pub fn pid(&self) -> Option<u32> {
        self.child.as_ref().map(Child::id)
    }

    /// The last `lines` lines of the process's output, for error messages.
    pub fn log_tail(&self, lines: usize) -> String {
        let text = std::fs::read_to_string(&self.log).unwrap_or_default();
        let all: Vec<&str> = text.lines().collect();
        all[all.len().saturating_sub(lines)..].join("\n")
    }

    /// Kills and reaps the process; idempotent.
    pub fn stop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

impl Drop for Managed {
    fn drop(&mut self) {
        self.stop();
    }
}

/// A free TCP port on 127.0.0.1 (bound, read, released: a small race, retried by the caller).
pub(crate) fn free_port() -> io::Result<u16> {
    let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0))?;
    Ok(listener.local_addr()?.port())
}
