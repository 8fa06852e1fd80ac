//! Real `redis-server` processes for integration tests: standalone (optionally with a password),
//! Redis Cluster (with or without replicas) and Sentinel, on free loopback ports, in temporary
//! directories, killed on drop. Every wait is bounded in time.
//!
//! When `redis-server` is missing the constructors return `None` (the test prints why and
//! passes), except under `CI=true`, where a missing server is a failure.

use std::ffi::OsString;
use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, Instant};

use tempfile::TempDir;

/// Cluster-bus ports are the client port + 10000.
const BUS_OFFSET: u16 = 10000;
/// How fast cluster nodes flag a dead peer (and replicas take over).
pub const CLUSTER_NODE_TIMEOUT_MS: u64 = 1000;
/// How fast Sentinels flag a dead peer or master.
pub const SENTINEL_DOWN_AFTER_MS: u64 = 1000;
/// The master name Sentinel monitors.
pub const SENTINEL_MASTER: &str = "mymaster";

/// `true` when redis-server and redis-cli are installed. Missing under `CI=true`: panics.
pub fn available() -> bool {
    let ok = ["redis-server", "redis-cli"].iter().all(|bin| {
        Command::new(bin)
            .arg("--version")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success())
    });
    if !ok {
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "redis-server/redis-cli not installed, and CI=true: install redis-server and redis-tools"
        );
        eprintln!(
            "skipping: redis-server/redis-cli not installed (apt-get install redis-server redis-tools)"
        );
    }
    ok
}

// ---------------------------------------------------------------------------------------------
// Ports

static NEXT_PORT: AtomicU32 = AtomicU32::new(0);

/// A loopback port that is free now (and, for `with_bus`, whose bus port is free too). Ports
/// come from 20000–29999 (bus 30000–39999), below Linux's ephemeral range, starting at a
/// per-process offset so concurrent test binaries rarely even try the same port.
pub fn free_port(with_bus: bool) -> u16 {
    let offset = std::process::id() % 500 * 20;
    loop {
        let n = NEXT_PORT.fetch_add(1, Ordering::SeqCst);
        let port = 20000 + ((offset + n) % 10000) as u16;
        let free = |p: u16| TcpListener::bind(("127.0.0.1", p)).is_ok();
        if free(port) && (!with_bus || free(port + BUS_OFFSET)) {
            return port;
        }
    }
}

/// A port nothing listens on (bound, then released).
pub fn dead_port() -> u16 {
    free_port(false)
}

// ---------------------------------------------------------------------------------------------
// A minimal RESP client, so the harness does not depend on the code under test.

/// A RESP reply.
#[derive(Debug, Clone, PartialEq)]
pub enum Resp {
    Simple(String),
    Error(String),
    Int(i64),
    Bulk(Option<String>),
    Array(Vec<Resp>),
}

impl Resp {
    /// The text of a simple or bulk string (empty otherwise).
    pub fn text(&self) -> String {
        match self {
            Resp::Simple(s) | Resp::Bulk(Some(s)) | Resp::Error(s) => s.clone(),
            _ => String::new(),
        }
    }
}

fn read_reply(r: &mut impl BufRead) -> std::io::Result<Resp> {
    let mut line = String::new();
    r.read_line(&mut line)?;
    let line = line.trim_end_matches(['\r', '\n']);
    let bad = || {
        std::io::Error::new(
            std::io::ErrorKind::InvalidData,
            format!("bad RESP line '{line}'"),
        )
    };
    let (kind, rest) = line.split_at_checked(1).ok_or_else(bad)?;
    Ok(match kind {
        "+" => Resp::Simple(rest.to_string()),
        "-" => Resp::Error(rest.to_string()),
        ":" => Resp::Int(rest.parse().map_err(|_| bad())?),
        "$" => {
            let len: i64 = rest.parse().map_err(|_| bad())?;
            if len < 0 {
                Resp::Bulk(None)
            } else {
                let mut buf = vec![0; len as usize + 2];
                r.read_exact(&mut buf)?;
                buf.truncate(len as usize);
                Resp::Bulk(Some(String::from_utf8_lossy(&buf).into_owned()))
            }
        }
        "*" => {
            let len: i64 = rest.parse().map_err(|_| bad())?;
            let mut items = Vec::new();
            for _ in 0..len.max(0) {
                items.push(read_reply(r)?);
            }
            Resp::Array(items)
        }
        _ => return Err(bad()),
    })
}

/// Send commands on one connection (e.g. AUTH then INFO) and return every reply.
pub fn pipeline(port: u16, commands: &[&[&str]]) -> std::io::Result<Vec<Resp>> {
    let addr = std::net::SocketAddr::from(([127, 0, 0, 1], port));
    let stream = TcpStream::connect_timeout(&addr, Duration::from_millis(500))?;
    stream.set_read_timeout(Some(Duration::from_secs(3)))?;
    stream.set_write_timeout(Some(Duration::from_secs(3)))?;
    let mut out = Vec::new();
    for args in commands {
        out.extend_from_slice(format!("*{}\r\n", args.len()).as_bytes());
        for a in *args {
            out.extend_from_slice(format!("${}\r\n{a}\r\n", a.len()).as_bytes());
        }
    }
    (&stream).write_all(&out)?;
    let mut reader = BufReader::new(&stream);
    commands.iter().map(|_| read_reply(&mut reader)).collect()
}

/// One command; the reply.
pub fn cmd(port: u16, args: &[&str]) -> std::io::Result<Resp> {
    pipeline(port, &[args]).map(|mut v| v.remove(0))
}

/// `INFO [section]` as a field map (empty when the server does not answer).
pub fn info(port: u16, section: &str) -> std::collections::HashMap<String, String> {
    cmd(port, &["INFO", section])
        .map(|r| {
            r.text()
                .lines()
                .filter_map(|l| l.trim().split_once(':'))
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect()
        })
        .unwrap_or_default()
}

/// Poll `cond` every 50 ms until it holds or `limit` passes; `true` if it held.
pub fn wait_until(limit: Duration, mut cond: impl FnMut() -> bool) -> bool {
    let deadline = Instant::now() + limit;
    loop {
        if cond() {
            return true;
        }
        if Instant::now() >= deadline {
            return false;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

// ---------------------------------------------------------------------------------------------
// One server process

/// A `redis-server` process; killed (SIGKILL) on drop.
pub struct Server {
    child: Option<Child>,
    /// The client port.
    pub port: u16,
    /// The server's own directory (data, logs, nodes.conf).
    pub dir: PathBuf,
    args: Vec<OsString>,
    password: Option<String>,
}

impl Server {
    /// Start `redis-server` with `args` (after the port/dir basics) and wait until it answers
    /// as this process. Retries on another port when the chosen one was taken meanwhile.
    fn start(
        parent: &Path,
        name: &str,
        cluster: bool,
        password: Option<&str>,
        extra: Vec<OsString>,
    ) -> Server {
        let dir = parent.join(name);
        std::fs::create_dir_all(&dir).expect("create server dir");
        for _attempt in 0..5 {
            let port = free_port(cluster);
            let mut args: Vec<OsString> = Vec::new();
            let mut push = |a: &str| args.push(a.into());
            for a in [
                "--port",
                &port.to_string(),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
            ] {
                push(a);
            }
            push("--dir");
            args.push(dir.clone().into_os_string());
            args.push("--logfile".into());
            args.push(dir.join("redis.log").into_os_string());
            if let Some(pw) = password {
                args.push("--requirepass".into());
                args.push(pw.into());
            }
            if cluster {
                for a in [
                    "--cluster-enabled",
                    "yes",
                    "--cluster-config-file",
                    "nodes.conf",
                    "--cluster-node-timeout",
                    &CLUSTER_NODE_TIMEOUT_MS.to_string(),
                ] {
                    args.push(a.into());
                }
            }
            args.extend(extra.iter().cloned());
            let mut server = Server {
                child: None,
                port,
                dir: dir.clone(),
                args,
                password: password.map(String::from),
            };
            if server.launch() {
                return server;
            }
        }
        panic!(
            "redis-server '{name}' did not start in 5 attempts; see {}",
            dir.display()
        );
    }

    /// A Sentinel from a config file written into its directory.
    fn start_sentinel(parent: &Path, name: &str, master_port: u16) -> Server {
        let dir = parent.join(name);
        std::fs::create_dir_all(&dir).expect("create sentinel dir");
        for _attempt in 0..5 {
            let port = free_port(false);
            let conf = dir.join("sentinel.conf");
            std::fs::write(
                &conf,
                format!(
                    "port {port}\nbind 127.0.0.1\ndir {dir}\nlogfile {dir}/sentinel.log\n\
                     sentinel monitor {SENTINEL_MASTER} 127.0.0.1 {master_port} 2\n\
                     sentinel down-after-milliseconds {SENTINEL_MASTER} {SENTINEL_DOWN_AFTER_MS}\n\
                     sentinel failover-timeout {SENTINEL_MASTER} 10000\n",
                    dir = dir.display()
                ),
            )
            .expect("write sentinel.conf");
            let args = vec![conf.into_os_string(), "--sentinel".into()];
            let mut server = Server {
                child: None,
                port,
                dir: dir.clone(),
                args,
                password: None,
            };
            if server.launch() {
                return server;
            }
        }
        panic!(
            "redis sentinel '{name}' did not start; see {}",
            dir.display()
        );
    }

    /// Spawn with the stored args; wait (≤ 10 s) until the port answers with our process id.
    fn launch(&mut self) -> bool {
        let child = Command::new("redis-server")
            .args(&self.args)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("spawn redis-server");
        let pid = child.id().to_string();
        self.child = Some(child);
        let password = self.password.clone();
        let port = self.port;
        let ready = wait_until(Duration::from_secs(10), || {
            if self
                .child
                .as_mut()
                .is_some_and(|c| c.try_wait().ok().flatten().is_some())
            {
                return true; // exited: checked below
            }
            let replies = match &password {
                Some(pw) => pipeline(port, &[&["AUTH", pw], &["INFO", "server"]]),
                None => pipeline(port, &[&["INFO", "server"]]),
            };
            replies.is_ok_and(|r| {
                r.last()
                    .is_some_and(|i| i.text().contains(&format!("process_id:{pid}\r")))
            })
        });
        let exited = self
            .child
            .as_mut()
            .is_some_and(|c| c.try_wait().ok().flatten().is_some());
        if !ready || exited {
            self.kill();
            return false;
        }
        true
    }

    /// `redis://[:password@]127.0.0.1:PORT`.
    pub fn url(&self) -> String {
        match &self.password {
            Some(pw) => format!("redis://:{pw}@127.0.0.1:{}", self.port),
            None => format!("redis://127.0.0.1:{}", self.port),
        }
    }

    /// `127.0.0.1:PORT`.
    pub fn addr(&self) -> String {
        format!("127.0.0.1:{}", self.port)
    }

    /// SIGKILL (a crash, not a clean shutdown) and reap.
    pub fn kill(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    /// Start again with the same port, directory and arguments (a cluster node keeps its
    /// identity from nodes.conf).
    pub fn restart(&mut self) {
        self.kill();
        let ok = wait_until(Duration::from_secs(5), || self.launch());
        assert!(
            ok,
            "redis-server on port {} did not restart; see {}",
            self.port,
            self.dir.display()
        );
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.kill();
    }
}

fn tempdir() -> TempDir {
    tempfile::Builder::new()
        .prefix("rizk-redis-")
        .tempdir()
        .expect("temp dir")
}

// ---------------------------------------------------------------------------------------------
// Deployments

/// One standalone server.
pub struct Standalone {
    /// The server.
    pub server: Server,
    _dir: TempDir,
}

impl Standalone {
    /// Start one server (with `requirepass` when a password is given).
    pub fn start(password: Option<&str>) -> Option<Standalone> {
        if !available() {
            return None;
        }
        let dir = tempdir();
        let server = Server::start(dir.path(), "standalone", false, password, Vec::new());
        Some(Standalone { server, _dir: dir })
    }
}

/// A Redis Cluster of `masters` masters with `replicas` replicas each.
pub struct Cluster {
    /// Every node, in the order given to `redis-cli --cluster create` (masters first).
    pub nodes: Vec<Server>,
    _dir: TempDir,
}

/// One parsed `CLUSTER NODES` line (harness view).
#[derive(Debug, Clone)]
pub struct NodeLine {
    pub id: String,
    pub port: u16,
    pub master: bool,
    pub master_id: Option<String>,
    pub flags: String,
}

impl Cluster {
    /// Start the nodes, create the cluster, and wait (bounded) until every node sees
    /// `cluster_state:ok`, all nodes, and every master has its replicas online.
    pub fn start(masters: usize, replicas: usize) -> Option<Cluster> {
        if !available() {
            return None;
        }
        let dir = tempdir();
        let total = masters * (1 + replicas);
        let nodes: Vec<Server> = (0..total)
            .map(|i| Server::start(dir.path(), &format!("node{i}"), true, None, Vec::new()))
            .collect();
        let mut create = Command::new("redis-cli");
        create.arg("--cluster").arg("create");
        for n in &nodes {
            create.arg(n.addr());
        }
        create.args(["--cluster-replicas", &replicas.to_string(), "--cluster-yes"]);
        let out = create
            .stdin(Stdio::null())
            .output()
            .expect("run redis-cli --cluster create");
        assert!(
            out.status.success(),
            "redis-cli --cluster create failed: {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        let cluster = Cluster { nodes, _dir: dir };
        let ok = wait_until(Duration::from_secs(30), || {
            cluster.converged(total, masters, replicas)
        });
        assert!(
            ok,
            "cluster did not converge within 30 s: {:?}",
            cluster.topology()
        );
        Some(cluster)
    }

    fn converged(&self, total: usize, masters: usize, replicas: usize) -> bool {
        self.nodes.iter().all(|n| {
            let ci = info(n.port, "cluster");
            let state = cmd(n.port, &["CLUSTER", "INFO"])
                .map(|r| r.text())
                .unwrap_or_default();
            let lines = self.nodes_view(n.port);
            ci.get("cluster_enabled").map(String::as_str) == Some("1")
                && state.contains("cluster_state:ok")
                && state.contains(&format!("cluster_known_nodes:{total}\r"))
                && lines.len() == total
                && lines
                    .iter()
                    .all(|l| !l.flags.contains("fail") && !l.flags.contains("handshake"))
                && lines.iter().filter(|l| l.master).count() == masters
        }) && self.nodes.iter().all(|n| {
            let repl = info(n.port, "replication");
            match repl.get("role").map(String::as_str) {
                Some("master") => {
                    repl.values().filter(|v| v.contains("state=online")).count() == replicas
                }
                Some("slave") => repl.get("master_link_status").map(String::as_str) == Some("up"),
                _ => false,
            }
        })
    }

    /// `CLUSTER NODES` as seen from `port` (empty if it does not answer).
    pub fn nodes_view(&self, port: u16) -> Vec<NodeLine> {
        let text = cmd(port, &["CLUSTER", "NODES"])
            .map(|r| r.text())
            .unwrap_or_default();
        text.lines()
            .filter_map(|l| {
                let f: Vec<&str> = l.split_whitespace().collect();
                let port = f
                    .get(1)?
                    .split(['@', ','])
                    .next()?
                    .rsplit_once(':')?
                    .1
                    .parse()
                    .ok()?;
                Some(NodeLine {
                    id: f.first()?.to_string(),
                    port,
                    master: f.get(2)?.contains("master"),
                    master_id: f.get(3).filter(|m| **m != "-").map(|m| m.to_string()),
                    flags: f.get(2)?.to_string(),
                })
            })
            .collect()
    }

    /// The topology as seen from the first live node.
    pub fn topology(&self) -> Vec<NodeLine> {
        self.nodes
            .iter()
            .map(|n| self.nodes_view(n.port))
            .find(|v| !v.is_empty())
            .unwrap_or_default()
    }

    /// Index (into `nodes`) of the node listening on `port`.
    pub fn index_of(&self, port: u16) -> usize {
        self.nodes
            .iter()
            .position(|n| n.port == port)
            .expect("port belongs to the cluster")
    }

    /// For the master at `nodes[master]`: the indexes of its replicas.
    pub fn replicas_of(&self, master: usize) -> Vec<usize> {
        let view = self.topology();
        let Some(id) = view
            .iter()
            .find(|l| l.port == self.nodes[master].port)
            .map(|l| l.id.clone())
        else {
            return Vec::new();
        };
        view.iter()
            .filter(|l| l.master_id.as_deref() == Some(id.as_str()))
            .map(|l| self.index_of(l.port))
            .collect()
    }

    /// Seed URLs of every node.
    pub fn seeds(&self) -> Vec<String> {
        self.nodes.iter().map(Server::url).collect()
    }
}

/// A master, one replica and three Sentinels (quorum 2).
pub struct SentinelSetup {
    pub master: Server,
    /// Held so the replica runs as long as the setup (no test reads it).
    _replica: Server,
    pub sentinels: Vec<Server>,
    _dir: TempDir,
}

impl SentinelSetup {
    /// Start everything and wait (bounded) until every Sentinel sees 3 usable Sentinels and
    /// the replica in sync.
    pub fn start() -> Option<SentinelSetup> {
        if !available() {
            return None;
        }
        let dir = tempdir();
        let master = Server::start(dir.path(), "master", false, None, Vec::new());
        let replica = Server::start(
            dir.path(),
            "replica",
            false,
            None,
            vec![
                "--replicaof".into(),
                "127.0.0.1".into(),
                master.port.to_string().into(),
            ],
        );
        let synced = wait_until(Duration::from_secs(10), || {
            info(master.port, "replication")
                .values()
                .any(|v| v.contains("state=online"))
        });
        assert!(synced, "replica did not sync with the master");
        let sentinels: Vec<Server> = (0..3)
            .map(|i| Server::start_sentinel(dir.path(), &format!("sentinel{i}"), master.port))
            .collect();
        let setup = SentinelSetup {
            master,
            _replica: replica,
            sentinels,
            _dir: dir,
        };
        let ready = wait_until(Duration::from_secs(20), || {
            setup.sentinels.iter().all(|s| {
                let quorum = cmd(s.port, &["SENTINEL", "CKQUORUM", SENTINEL_MASTER]).map(|r| r.text());
                let replicas = cmd(s.port, &["SENTINEL", "REPLICAS", SENTINEL_MASTER]);
                quorum.is_ok_and(|q| q.starts_with("OK 3 usable"))
                    && replicas.is_ok_and(|r| matches!(&r, Resp::Array(a) if a.len() == 1
                        && matches!(&a[0], Resp::Array(kv) if kv.windows(2).any(|w| w[0].text() == "master-link-status" && w[1].text() == "ok"))))
            })
        });
        assert!(
            ready,
            "Sentinels did not see each other and the replica within 20 s"
        );
        Some(setup)
    }

    /// Sentinel URLs.
    pub fn sentinel_urls(&self) -> Vec<String> {
        self.sentinels.iter().map(Server::url).collect()
    }
}
