//! [`ObsProcess`]: a real OBS Studio 30.2 (obs-websocket 5.5) for tests, run headless in the
//! cached Debian trixie root that `tests/obs/rootfs.sh` builds (Debian 12's own OBS is too
//! old for obws). Each instance gets its own port and a fresh HOME inside the root, so several
//! can run at once.

use std::fs;
use std::io::{self, Read, Seek, SeekFrom};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

/// Where rootfs.sh puts the root unless `STAGEHAND_OBS_ROOT` says otherwise.
pub const DEFAULT_ROOT: &str = "/var/cache/stagehand/obs-root";
/// OBS needs a few seconds (software GL, 2 cores); allow for a loaded machine.
pub const READY_TIMEOUT: Duration = Duration::from_secs(90);

#[derive(Debug, thiserror::Error)]
pub enum LaunchError {
    #[error(
        "no OBS root file system at {0}: run tests/obs/rootfs.sh first (as root; it builds a Debian trixie root with OBS, ~770 MB, once)"
    )]
    NoRoot(PathBuf),
    #[error("the OBS tests need root (mount, chroot)")]
    NotRoot,
    #[error("{what}: {source}")]
    Io {
        what: String,
        #[source]
        source: io::Error,
    },
    #[error("`{0}` failed")]
    Mount(String),
    #[error("OBS did not become ready within {secs} s; its output ends with:\n{log}")]
    NotReady { secs: u64, log: String },
    #[error("OBS exited during start-up ({status}); its output ends with:\n{log}")]
    Exited { status: String, log: String },
}

fn io_err(what: impl Into<String>) -> impl FnOnce(io::Error) -> LaunchError {
    let what = what.into();
    move |source| LaunchError::Io { what, source }
}

/// The root file system with OBS: `$STAGEHAND_OBS_ROOT` or [`DEFAULT_ROOT`].
pub fn obs_root() -> PathBuf {
    std::env::var_os("STAGEHAND_OBS_ROOT")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(DEFAULT_ROOT))
}

/// A loopback TCP port that was free a moment ago (bind to port 0, read it, release it).
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .unwrap_or(0)
}

/// Process groups of running instances, killed by an `atexit` hook: test binaries keep their
/// shared OBS in a static, whose `Drop` never runs.
static LIVE_GROUPS: Mutex<Vec<i32>> = Mutex::new(Vec::new());
/// HOMEs (host paths) of instances not yet dropped, removed by the same hook.
static LIVE_HOMES: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());
static ATEXIT: std::sync::Once = std::sync::Once::new();
static INSTANCE: AtomicUsize = AtomicUsize::new(0);

extern "C" fn kill_live_groups() {
    if let Ok(groups) = LIVE_GROUPS.lock() {
        for &g in groups.iter() {
            // SAFETY: plain syscall on a process group we started.
            unsafe {
                libc::kill(-g, libc::SIGKILL);
            }
        }
    }
    if let Ok(homes) = LIVE_HOMES.lock() {
        for h in homes.iter() {
            let _ = fs::remove_dir_all(h);
        }
    }
}

/// A running (or killed, restartable) OBS instance. Drop kills its whole process group (OBS,
/// Xvfb, xvfb-run) and removes its HOME.
pub struct ObsProcess {
    root: PathBuf,
    /// HOME as seen inside the root, e.g. `/stagehand/obs-4455-1234-0`.
    home: String,
    port: u16,
    password: Option<String>,
    child: Option<Child>,
    started_at: Instant,
}

impl ObsProcess {
    /// Launch OBS on `port` and wait until obs-websocket answers requests (past 207 NotReady).
    pub async fn start(port: u16, password: Option<&str>) -> Result<ObsProcess, LaunchError> {
        let mut p = Self::launch(port, password)?;
        p.wait_ready(READY_TIMEOUT).await?;
        Ok(p)
    }

    /// Launch OBS without waiting (e.g. to time how fast an adapter connects).
    pub fn launch(port: u16, password: Option<&str>) -> Result<ObsProcess, LaunchError> {
        // SAFETY: geteuid has no preconditions.
        if unsafe { libc::geteuid() } != 0 {
            return Err(LaunchError::NotRoot);
        }
        let root = obs_root();
        if !root.join("usr/bin/obs").exists() || !root.join(".stagehand-obs-root").exists() {
            return Err(LaunchError::NoRoot(root));
        }
        ensure_mounts(&root)?;
        clean_stale_x_locks(&root);
        let n = INSTANCE.fetch_add(1, Ordering::SeqCst);
        let home = format!("/stagehand/obs-{port}-{}-{n}", std::process::id());
        let mut p = ObsProcess {
            root,
            home,
            port,
            password: password.map(str::to_owned),
            child: None,
            started_at: Instant::now(),
        };
        p.write_home()?;
        if let Ok(mut h) = LIVE_HOMES.lock() {
            h.push(p.host_home());
        }
        p.spawn()?;
        Ok(p)
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    pub fn password(&self) -> Option<&str> {
        self.password.as_deref()
    }

    /// When the current OBS process was spawned.
    pub fn started_at(&self) -> Instant {
        self.started_at
    }

    pub fn is_running(&mut self) -> bool {
        matches!(self.child.as_mut().map(|c| c.try_wait()), Some(Ok(None)))
    }

    /// Kill OBS and Xvfb at once (SIGKILL to the process group), like a crash or power loss.
    pub fn kill(&mut self) {
        if let Some(mut child) = self.child.take() {
            let pgid = child.id() as i32;
            // SAFETY: plain syscall on the process group we created in `spawn`.
            unsafe {
                libc::kill(-pgid, libc::SIGKILL);
            }
            let _ = child.wait();
            if let Ok(mut g) = LIVE_GROUPS.lock() {
                g.retain(|&x| x != pgid);
            }
        }
    }

    /// Start OBS again with the same HOME and port (after [`ObsProcess::kill`]) and wait for it.
    pub async fn restart(&mut self) -> Result<(), LaunchError> {
        self.kill();
        self.spawn()?;
        self.wait_ready(READY_TIMEOUT).await
    }

    /// Start OBS again without waiting.
    pub fn relaunch(&mut self) -> Result<(), LaunchError> {
        self.kill();
        self.spawn()
    }

    /// Wait until obs-websocket accepts a session and answers a request (obws's version check),
    /// polling every 100 ms.
    pub async fn wait_ready(&mut self, timeout: Duration) -> Result<(), LaunchError> {
        let deadline = Instant::now() + timeout;
        loop {
            if let Some(Ok(Some(status))) = self.child.as_mut().map(|c| c.try_wait()) {
                return Err(LaunchError::Exited {
                    status: status.to_string(),
                    log: self.log_tail(),
                });
            }
            let attempt = tokio::time::timeout(
                Duration::from_secs(5),
                obws::Client::connect("127.0.0.1", self.port, self.password.as_deref()),
            )
            .await;
            if let Ok(Ok(mut client)) = attempt {
                client.disconnect().await;
                return Ok(());
            }
            if Instant::now() > deadline {
                return Err(LaunchError::NotReady {
                    secs: timeout.as_secs(),
                    log: self.log_tail(),
                });
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// The last lines OBS and xvfb-run printed (for error messages).
    pub fn log_tail(&self) -> String {
        let path = self.host_home().join("launch.log");
        let mut text = String::new();
        if let Ok(mut f) = fs::File::open(&path) {
            let len = f.metadata().map(|m| m.len()).unwrap_or(0);
            let _ = f.seek(SeekFrom::Start(len.saturating_sub(4000)));
            let _ = f.read_to_string(&mut text);
        }
        let lines: Vec<&str> = text.lines().collect();
        lines[lines.len().saturating_sub(30)..].join("\n")
    }

    fn host_home(&self) -> PathBuf {
        self.root.join(self.home.trim_start_matches('/'))
    }

    fn write_home(&self) -> Result<(), LaunchError> {
        let home = self.host_home();
        if home.exists() {
            fs::remove_dir_all(&home).map_err(io_err(format!("removing {}", home.display())))?;
        }
        let cfg = home.join(".config/obs-studio");
        let ws = cfg.join("plugin_config/obs-websocket");
        fs::create_dir_all(&ws).map_err(io_err(format!("creating {}", ws.display())))?;
        // Per-instance TMPDIR and XDG_RUNTIME_DIR: xvfb-run's and PulseAudio's temp dirs then
        // go away with the HOME instead of piling up in the root's /tmp.
        for dir in ["tmp", "run"] {
            let d = home.join(dir);
            fs::create_dir_all(&d).map_err(io_err(format!("creating {}", d.display())))?;
            use std::os::unix::fs::PermissionsExt;
            let _ = fs::set_permissions(&d, fs::Permissions::from_mode(0o700));
        }
        let global = "[General]\nFirstRun=true\nEnableAutoUpdates=false\n\n\
                      [Basic]\nProfile=Untitled\nProfileDir=Untitled\n\
                      SceneCollection=Untitled\nSceneCollectionFile=Untitled\n";
        fs::write(cfg.join("global.ini"), global).map_err(io_err("writing global.ini"))?;
        let config = serde_json::json!({
            "server_enabled": true,
            "server_port": self.port,
            "auth_required": self.password.is_some(),
            "server_password": self.password.clone().unwrap_or_default(),
            "alerts_enabled": false,
            "first_load": false,
        });
        fs::write(ws.join("config.json"), config.to_string())
            .map_err(io_err("writing obs-websocket config.json"))
    }

    fn spawn(&mut self) -> Result<(), LaunchError> {
        let log_path = self.host_home().join("launch.log");
        let log = fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&log_path)
            .map_err(io_err(format!("opening {}", log_path.display())))?;
        let log2 = log.try_clone().map_err(io_err("cloning log handle"))?;
        // Start the display search at a port-derived number: concurrent instances then never
        // race for the same X display (xvfb-run -a only checks lock files in the root's /tmp).
        let display = 200 + u32::from(self.port) % 20000;
        let child = Command::new("chroot")
            .arg(&self.root)
            .args(["env", "-i"])
            .arg(format!("HOME={}", self.home))
            .arg(format!("TMPDIR={}/tmp", self.home))
            .arg(format!("XDG_RUNTIME_DIR={}/run", self.home))
            .args([
                "PATH=/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin",
                "LANG=C.UTF-8",
                "LIBGL_ALWAYS_SOFTWARE=1",
                "xvfb-run",
                "-a",
                "-n",
            ])
            .arg(display.to_string())
            .args(["-s", "-screen 0 1280x720x24 -nolisten tcp"])
            .args([
                "obs",
                "--disable-shutdown-check",
                "--minimize-to-tray",
                "--multi",
            ])
            .stdin(Stdio::null())
            .stdout(log)
            .stderr(log2)
            .process_group(0)
            .spawn()
            .map_err(io_err("spawning chroot … obs"))?;
        ATEXIT.call_once(|| {
            // SAFETY: registering a plain extern "C" function without arguments.
            unsafe {
                libc::atexit(kill_live_groups);
            }
        });
        if let Ok(mut g) = LIVE_GROUPS.lock() {
            g.push(child.id() as i32);
        }
        self.child = Some(child);
        self.started_at = Instant::now();
        Ok(())
    }
}

impl Drop for ObsProcess {
    fn drop(&mut self) {
        self.kill();
        let home = self.host_home();
        let _ = fs::remove_dir_all(&home);
        if let Ok(mut h) = LIVE_HOMES.lock() {
            h.retain(|x| x != &home);
        }
    }
}

/// Mount proc, sys and dev into the root unless already there. A lock file serialises test
/// binaries that start OBS at the same time; `tests/obs/unmount.sh` undoes it at the end.
fn ensure_mounts(root: &Path) -> Result<(), LaunchError> {
    let lock_path = root.with_extension("mount.lock");
    let lock = fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&lock_path)
        .map_err(io_err(format!("opening {}", lock_path.display())))?;
    use std::os::fd::AsRawFd;
    // SAFETY: flock on a file descriptor we own; released when `lock` is dropped.
    unsafe {
        libc::flock(lock.as_raw_fd(), libc::LOCK_EX);
    }
    let mounts = fs::read_to_string("/proc/mounts").map_err(io_err("reading /proc/mounts"))?;
    let mounted = |p: &Path| {
        let p = p.to_string_lossy();
        mounts.lines().any(|l| l.split(' ').nth(1) == Some(&*p))
    };
    let run = |args: &[&str]| -> Result<(), LaunchError> {
        let ok = Command::new("mount")
            .args(args)
            .status()
            .map(|s| s.success())
            .unwrap_or(false);
        if ok {
            Ok(())
        } else {
            Err(LaunchError::Mount(format!("mount {}", args.join(" "))))
        }
    };
    let proc_dir = root.join("proc");
    if !mounted(&proc_dir) {
        run(&["-t", "proc", "proc", &proc_dir.to_string_lossy()])?;
    }
    for dir in ["sys", "dev"] {
        let target = root.join(dir);
        if !mounted(&target) {
            let t = target.to_string_lossy();
            run(&["--rbind", &format!("/{dir}"), &t])?;
            // Keep unmounting inside the root from propagating back to the host.
            run(&["--make-rslave", &t])?;
        }
    }
    drop(lock);
    Ok(())
}

/// Remove X lock files (and sockets) in the root's /tmp whose Xvfb is gone: SIGKILL leaves
/// them behind, and `xvfb-run -a` would skip their display numbers forever.
fn clean_stale_x_locks(root: &Path) {
    let tmp = root.join("tmp");
    let Ok(entries) = fs::read_dir(&tmp) else {
        return;
    };
    for e in entries.flatten() {
        let name = e.file_name().to_string_lossy().into_owned();
        let Some(display) = name
            .strip_prefix(".X")
            .and_then(|r| r.strip_suffix("-lock"))
        else {
            continue;
        };
        let pid: Option<i32> = fs::read_to_string(e.path())
            .ok()
            .and_then(|t| t.trim().parse().ok());
        // Same PID namespace as the host: kill(pid, 0) tells whether the owner lives.
        // SAFETY: signal 0 only checks for existence.
        let alive = pid.is_some_and(|p| p > 0 && unsafe { libc::kill(p, 0) } == 0);
        if !alive {
            let _ = fs::remove_file(e.path());
            let _ = fs::remove_file(tmp.join(format!(".X11-unix/X{display}")));
        }
    }
}
