//! The load balancer's nginx.conf (`--nginx-conf PATH`): a small reader for nginx's syntax
//! (directives, blocks, quotes, comments, `include` with globs) that extracts the facts the
//! readiness rules need — upstreams and their servers' passive health-check parameters, and the
//! places traffic leaves for an upstream (`location`s with `proxy_pass`, `grpc_pass`,
//! `fastcgi_pass`, `uwsgi_pass`, `scgi_pass`, and `stream` servers) with their effective
//! `*_next_upstream*` settings.
//!
//! Raw Lua blocks (`content_by_lua_block { … }` and the other `*_by_lua_block`s of OpenResty,
//! ingress-nginx and Kong) are read as Lua — strings, long brackets and comments — so braces and
//! quotes inside the Lua do not end the block.
//!
//! It is not a validator of nginx semantics (`nginx -t` is): a fragment without an `http {}`
//! block, as in the seed, is read as it is. Includes are resolved relative to the main file's
//! directory (nginx resolves them against its prefix, which is usually that directory); a glob
//! that matches nothing is allowed (as nginx does), an included file that is missing (often an
//! absolute path of the machine it came from, such as `/etc/nginx/mime.types`) is skipped with a
//! note, and an include cycle is refused.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// An error reading the configuration: where (the file and line, when known) and what.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}{message}", at.as_ref().map_or(String::new(), |o| format!("{}:{}: ", o.file.display(), o.line)))]
pub struct NginxError {
    /// The file and line the error is about (none: the top file could not be read).
    pub at: Option<Origin>,
    /// What is wrong there.
    pub message: String,
}

/// Where something was written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Origin {
    /// The file.
    pub file: PathBuf,
    /// The 1-based line.
    pub line: usize,
}

impl std::fmt::Display for Origin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let name = self.file.file_name().map(Path::new).unwrap_or(&self.file);
        write!(f, "{}:{}", name.display(), self.line)
    }
}

/// A directive, with its block when it has one; includes already spliced in.
#[derive(Debug, Clone, PartialEq)]
pub struct Directive {
    /// The directive name, e.g. `upstream`.
    pub name: String,
    /// Its arguments (quotes removed).
    pub args: Vec<String>,
    /// Where it is.
    pub origin: Origin,
    /// The block's directives, for `name args { … }`.
    pub block: Option<Vec<Directive>>,
}

/// A value and where it was set.
#[derive(Debug, Clone, PartialEq)]
pub struct Setting<T> {
    /// The value.
    pub value: T,
    /// Where it was set.
    pub origin: Origin,
}

/// An `upstream` block.
#[derive(Debug, Clone, PartialEq)]
pub struct Upstream {
    /// Its name (what `proxy_pass http://NAME` refers to).
    pub name: String,
    /// Where it is.
    pub origin: Origin,
    /// Its `server` entries.
    pub servers: Vec<UpstreamServer>,
    /// Load-balancing method directives, in order (`least_conn`, `ip_hash`, `hash`, `random`).
    pub methods: Vec<String>,
    /// `zone NAME [SIZE]` (shared memory: servers may be changed at run time).
    pub zone: Option<String>,
    /// `state FILE` (servers are kept by the NGINX Plus API, not listed here).
    pub state: Option<String>,
    /// `balancer_by_lua_block`/`_file`: Lua picks the peer at run time.
    pub lua_balancer: bool,
    /// Declared inside `stream {}`.
    pub stream: bool,
}

impl Upstream {
    /// Why the listed servers are not the servers nginx uses, if they are not.
    pub fn runtime_servers(&self) -> Option<String> {
        let dns: Vec<&str> = self
            .servers
            .iter()
            .filter(|s| s.resolve || s.service.is_some())
            .map(|s| s.address.as_str())
            .collect();
        if let Some(state) = &self.state {
            Some(format!(
                "servers are kept in state file {state} (NGINX Plus API)"
            ))
        } else if self.lua_balancer {
            Some("balancer_by_lua picks the servers at run time".to_string())
        } else if !dns.is_empty() {
            Some(format!(
                "{} resolved at run time (resolve/service=): the server count is what DNS returns",
                dns.join(", ")
            ))
        } else if self.zone.is_some() && self.servers.is_empty() {
            Some("zone without servers: they are added at run time (NGINX Plus API)".to_string())
        } else {
            None
        }
    }
}

/// A `server` line inside an upstream.
#[derive(Debug, Clone, PartialEq)]
pub struct UpstreamServer {
    /// `host:port` (or `unix:` path).
    pub address: String,
    /// Where it is.
    pub origin: Origin,
    /// `max_fails=N` when written (nginx's default is 1; 0 disables failure accounting).
    pub max_fails: Option<u32>,
    /// `fail_timeout=T` when written (nginx's default is 10s; 0 disables failure accounting).
    pub fail_timeout: Option<String>,
    /// `resolve` (the name is re-resolved at run time: the server count is DNS's).
    pub resolve: bool,
    /// `service=NAME` (DNS SRV records give the servers).
    pub service: Option<String>,
    /// Marked `backup`.
    pub backup: bool,
    /// Marked `down`.
    pub down: bool,
}

/// A `location` block (or a `stream` server) with the settings in effect there (inherited from
/// server/http).
#[derive(Debug, Clone, PartialEq)]
pub struct Location {
    /// The path (e.g. `/health`), without the modifier; for a stream server, its `listen`.
    pub path: String,
    /// The modifier (`=`, `~`, `~*`, `^~`) if any.
    pub modifier: Option<String>,
    /// Where it is.
    pub origin: Origin,
    /// A `server` inside `stream {}` rather than an HTTP location.
    pub stream: bool,
    /// The directive that passes traffic on (`proxy_pass`, `grpc_pass`, `fastcgi_pass`, …).
    pub pass_directive: Option<String>,
    /// Its target.
    pub proxy_pass: Option<String>,
    /// Effective `<module>_next_upstream` for the pass directive's module (HTTP default
    /// `error timeout`; stream default `on`).
    pub next_upstream: Option<Setting<Vec<String>>>,
    /// Effective `<module>_next_upstream_tries` (default 0: unlimited).
    pub next_upstream_tries: Option<Setting<String>>,
    /// Active `health_check` here (NGINX Plus).
    pub health_check: bool,
    /// Answers itself with `return`.
    pub returns: bool,
}

impl Location {
    /// "location /api (nginx.conf:12)" or "stream server 12345 (nginx.conf:40)".
    pub fn describe(&self) -> String {
        if self.stream {
            format!("stream server {} ({})", self.path, self.origin)
        } else {
            format!("location {} ({})", self.path, self.origin)
        }
    }

    /// The module prefix of the pass directive (`proxy`, `grpc`, …).
    pub fn module(&self) -> &str {
        self.pass_directive
            .as_deref()
            .and_then(|d| d.strip_suffix("_pass"))
            .unwrap_or("proxy")
    }

    /// The upstream name the pass directive points at (`http://NAME/...` → `NAME`), if literal.
    pub fn upstream_name(&self) -> Option<&str> {
        let target = self.proxy_pass.as_deref()?;
        let rest = target.split_once("://").map_or(target, |(_, r)| r);
        let host = rest.split(['/', '?']).next()?;
        let host = host.split(':').next()?;
        (!host.is_empty() && !host.contains('$')).then_some(host)
    }
}

/// The facts read from nginx.conf and its includes.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct NginxConf {
    /// The main file and every included file, in reading order.
    pub files: Vec<PathBuf>,
    /// The upstream blocks.
    pub upstreams: Vec<Upstream>,
    /// The location blocks (nested ones too) and stream servers.
    pub locations: Vec<Location>,
    /// What was skipped while reading (includes not found).
    pub notes: Vec<String>,
}

/// Read `path` and its includes.
pub fn read(path: &Path) -> Result<NginxConf, NginxError> {
    let base = path.parent().map(Path::to_path_buf).unwrap_or_default();
    let mut reader = Reader {
        base,
        stack: Vec::new(),
        files: Vec::new(),
        notes: Vec::new(),
    };
    let directives = reader.read_file(path, None)?;
    let mut conf = NginxConf {
        files: reader.files,
        notes: reader.notes,
        ..NginxConf::default()
    };
    collect(&directives, &Inherited::default(), &mut conf)?;
    Ok(conf)
}

/// Parse configuration text (no includes allowed: for tests and snippets).
pub fn parse_str(file: &Path, text: &str) -> Result<NginxConf, NginxError> {
    let mut reader = Reader {
        base: PathBuf::new(),
        stack: Vec::new(),
        files: Vec::new(),
        notes: Vec::new(),
    };
    let tokens = tokenize(file, text)?;
    let mut pos = 0;
    let directives = reader.parse_block(file, &tokens, &mut pos, None)?;
    let mut conf = NginxConf {
        files: vec![file.to_path_buf()],
        ..NginxConf::default()
    };
    collect(&directives, &Inherited::default(), &mut conf)?;
    Ok(conf)
}

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Word(String),
    Semi,
    Open,
    Close,
    /// A raw Lua block, `{ … }` included.
    Lua,
}

#[derive(Debug, Clone, PartialEq)]
struct Token {
    tok: Tok,
    line: usize,
}

fn err(file: &Path, line: usize, msg: impl std::fmt::Display) -> NginxError {
    NginxError {
        at: Some(Origin {
            file: file.to_path_buf(),
            line,
        }),
        message: msg.to_string(),
    }
}

type Chars<'a> = std::iter::Peekable<std::str::Chars<'a>>;

/// Skip a Lua long bracket's body after its opening `[`, `=`…, `[` (level = number of `=`).
fn skip_long_bracket(chars: &mut Chars<'_>, level: usize, line: &mut usize) -> bool {
    while let Some(c) = chars.next() {
        match c {
            '\n' => *line += 1,
            ']' => {
                let mut eq = 0;
                while chars.peek() == Some(&'=') {
                    chars.next();
                    eq += 1;
                }
                if eq == level && chars.peek() == Some(&']') {
                    chars.next();
                    return true;
                }
            }
            _ => {}
        }
    }
    false
}

/// After a `[`: the level of a long bracket (`[[`, `[=[`, …) and consume it, or `None` (then
/// only `=` signs may have been consumed, which Lua treats as ordinary code here).
fn long_bracket_open(chars: &mut Chars<'_>) -> Option<usize> {
    let mut level = 0;
    while chars.peek() == Some(&'=') {
        chars.next();
        level += 1;
    }
    if chars.peek() == Some(&'[') {
        chars.next();
        Some(level)
    } else {
        None
    }
}

/// Read a Lua block body after its opening `{` up to the matching `}`; `Err(line)` when it
/// never closes (the line of what is left open).
fn skip_lua(chars: &mut Chars<'_>, line: &mut usize) -> Result<(), usize> {
    let mut depth = 1;
    while let Some(c) = chars.next() {
        match c {
            '\n' => *line += 1,
            '{' => depth += 1,
            '}' => {
                depth -= 1;
                if depth == 0 {
                    return Ok(());
                }
            }
            '"' | '\'' => {
                let start = *line;
                loop {
                    match chars.next() {
                        None => return Err(start),
                        Some('\\') => {
                            if chars.next() == Some('\n') {
                                *line += 1;
                            }
                        }
                        Some('\n') => *line += 1,
                        Some(q) if q == c => break,
                        Some(_) => {}
                    }
                }
            }
            '[' => {
                let start = *line;
                if let Some(level) = long_bracket_open(chars)
                    && !skip_long_bracket(chars, level, line)
                {
                    return Err(start);
                }
            }
            '-' if chars.peek() == Some(&'-') => {
                chars.next();
                let start = *line;
                if chars.peek() == Some(&'[') {
                    chars.next();
                    if let Some(level) = long_bracket_open(chars) {
                        if !skip_long_bracket(chars, level, line) {
                            return Err(start);
                        }
                        continue;
                    }
                }
                while chars.peek().is_some_and(|&c| c != '\n') {
                    chars.next();
                }
            }
            _ => {}
        }
    }
    Err(*line)
}

fn tokenize(file: &Path, text: &str) -> Result<Vec<Token>, NginxError> {
    let mut tokens: Vec<Token> = Vec::new();
    let mut chars = text.chars().peekable();
    let mut line = 1;
    // The first word of the statement being read (`content_by_lua_block`, …).
    let mut first_word: Option<usize> = None;
    while let Some(&c) = chars.peek() {
        if matches!(c, ';' | '{' | '}') {
            let lua = c == '{'
                && first_word
                    .and_then(|i| match &tokens.get(i).map(|t| &t.tok) {
                        Some(Tok::Word(w)) => Some(w.ends_with("_by_lua_block")),
                        _ => None,
                    })
                    .unwrap_or(false);
            first_word = None;
            if lua {
                chars.next();
                let start = line;
                skip_lua(&mut chars, &mut line).map_err(|at| {
                    err(
                        file,
                        at,
                        format!("unterminated Lua block (opened at line {start}): a string, long bracket or '}}' is not closed"),
                    )
                })?;
                tokens.push(Token {
                    tok: Tok::Lua,
                    line: start,
                });
                continue;
            }
        } else if !c.is_whitespace() && c != '#' && first_word.is_none() {
            first_word = Some(tokens.len());
        }
        match c {
            '\n' => {
                line += 1;
                chars.next();
            }
            c if c.is_whitespace() => {
                chars.next();
            }
            '#' => {
                while chars.peek().is_some_and(|&c| c != '\n') {
                    chars.next();
                }
            }
            ';' | '{' | '}' => {
                chars.next();
                let tok = match c {
                    ';' => Tok::Semi,
                    '{' => Tok::Open,
                    _ => Tok::Close,
                };
                tokens.push(Token { tok, line });
            }
            '"' | '\'' => {
                let start = line;
                chars.next();
                let mut word = String::new();
                loop {
                    match chars.next() {
                        None => return Err(err(file, start, format!("unterminated {c}quote{c}"))),
                        Some(q) if q == c => break,
                        Some('\\') => match chars.next() {
                            Some(e @ ('"' | '\'' | '\\')) => word.push(e),
                            Some('n') => word.push('\n'),
                            Some('t') => word.push('\t'),
                            Some('r') => word.push('\r'),
                            Some(other) => {
                                word.push('\\');
                                word.push(other);
                                if other == '\n' {
                                    line += 1;
                                }
                            }
                            None => return Err(err(file, start, "unterminated quote")),
                        },
                        Some(ch) => {
                            if ch == '\n' {
                                line += 1;
                            }
                            word.push(ch);
                        }
                    }
                }
                tokens.push(Token {
                    tok: Tok::Word(word),
                    line: start,
                });
            }
            _ => {
                let mut word = String::new();
                let mut in_var_braces = false;
                while let Some(&ch) = chars.peek() {
                    if in_var_braces {
                        word.push(ch);
                        chars.next();
                        if ch == '}' {
                            in_var_braces = false;
                        }
                        continue;
                    }
                    if ch.is_whitespace() || ch == ';' || ch == '}' || ch == '"' || ch == '\'' {
                        break;
                    }
                    if ch == '{' {
                        // `${name}` is a variable, not a block.
                        if word.ends_with('$') {
                            in_var_braces = true;
                        } else {
                            break;
                        }
                    }
                    if ch == '\\' {
                        // As nginx does: `\"`, `\'` and `\\` drop the backslash, others keep it.
                        chars.next();
                        match chars.next() {
                            Some(e @ ('"' | '\'' | '\\')) => word.push(e),
                            Some(other) => {
                                word.push('\\');
                                word.push(other);
                                if other == '\n' {
                                    line += 1;
                                }
                            }
                            None => word.push('\\'),
                        }
                        continue;
                    }
                    word.push(ch);
                    chars.next();
                }
                if in_var_braces {
                    return Err(err(file, line, "unterminated variable '${'"));
                }
                tokens.push(Token {
                    tok: Tok::Word(word),
                    line,
                });
            }
        }
    }
    Ok(tokens)
}

const MAX_INCLUDE_DEPTH: usize = 32;

/// For a file that does not parse: the error to give instead when it is a template
/// (consul-template, Helm, Jinja `{{ … }}`), naming its first template line.
fn template_error(file: &Path, text: &str) -> Option<NginxError> {
    let line = text
        .lines()
        .position(|l| !l.trim_start().starts_with('#') && l.contains("{{"))?;
    Some(err(
        file,
        line + 1,
        "a template ('{{ … }}'), not nginx syntax until rendered: validate the rendered file",
    ))
}

struct Reader {
    base: PathBuf,
    /// Canonical paths of the files being read, outermost first (cycle detection).
    stack: Vec<PathBuf>,
    files: Vec<PathBuf>,
    notes: Vec<String>,
}

impl Reader {
    fn read_file(
        &mut self,
        path: &Path,
        from: Option<&Origin>,
    ) -> Result<Vec<Directive>, NginxError> {
        let at = |msg: String| match from {
            Some(o) => err(&o.file, o.line, msg),
            None => NginxError {
                at: None,
                message: msg,
            },
        };
        let canonical = path
            .canonicalize()
            .map_err(|e| at(format!("reading '{}': {e}", path.display())))?;
        if self.stack.contains(&canonical) {
            let chain: Vec<String> = self
                .stack
                .iter()
                .chain(std::iter::once(&canonical))
                .map(|p| {
                    p.file_name().map_or_else(
                        || p.display().to_string(),
                        |n| n.to_string_lossy().into_owned(),
                    )
                })
                .collect();
            return Err(at(format!("include cycle: {}", chain.join(" → "))));
        }
        if self.stack.len() >= MAX_INCLUDE_DEPTH {
            return Err(at(format!(
                "includes nested deeper than {MAX_INCLUDE_DEPTH}"
            )));
        }
        let text = std::fs::read_to_string(path)
            .map_err(|e| at(format!("reading '{}': {e}", path.display())))?;
        self.files.push(path.to_path_buf());
        self.stack.push(canonical);
        let result = tokenize(path, &text).and_then(|tokens| {
            let mut pos = 0;
            self.parse_block(path, &tokens, &mut pos, None)
        });
        self.stack.pop();
        result.map_err(|e| template_error(path, &text).unwrap_or(e))
    }

    fn parse_block(
        &mut self,
        file: &Path,
        tokens: &[Token],
        pos: &mut usize,
        opened: Option<(&str, usize)>,
    ) -> Result<Vec<Directive>, NginxError> {
        let mut out = Vec::new();
        let mut words: Vec<String> = Vec::new();
        let mut start_line = 0;
        while let Some(token) = tokens.get(*pos) {
            *pos += 1;
            match &token.tok {
                Tok::Word(w) => {
                    if words.is_empty() {
                        start_line = token.line;
                    }
                    words.push(w.clone());
                }
                Tok::Semi | Tok::Open => {
                    let Some((name, args)) = words.split_first() else {
                        let what = if token.tok == Tok::Semi { "';'" } else { "'{'" };
                        return Err(err(file, token.line, format!("unexpected {what}")));
                    };
                    let origin = Origin {
                        file: file.to_path_buf(),
                        line: start_line,
                    };
                    if token.tok == Tok::Semi {
                        if name == "include" {
                            let [pattern] = args else {
                                return Err(err(file, start_line, "'include' takes one argument"));
                            };
                            out.extend(self.include(pattern, &origin)?);
                        } else {
                            out.push(Directive {
                                name: name.clone(),
                                args: args.to_vec(),
                                origin,
                                block: None,
                            });
                        }
                    } else {
                        let block =
                            self.parse_block(file, tokens, pos, Some((name, start_line)))?;
                        out.push(Directive {
                            name: name.clone(),
                            args: args.to_vec(),
                            origin,
                            block: Some(block),
                        });
                    }
                    words.clear();
                }
                Tok::Lua => {
                    let Some((name, args)) = words.split_first() else {
                        return Err(err(file, token.line, "unexpected '{'"));
                    };
                    out.push(Directive {
                        name: name.clone(),
                        args: args.to_vec(),
                        origin: Origin {
                            file: file.to_path_buf(),
                            line: start_line,
                        },
                        block: Some(Vec::new()),
                    });
                    words.clear();
                }
                Tok::Close => {
                    if !words.is_empty() {
                        return Err(err(
                            file,
                            start_line,
                            format!("directive '{}' is not terminated by ';'", words[0]),
                        ));
                    }
                    if opened.is_none() {
                        return Err(err(file, token.line, "unexpected '}'"));
                    }
                    return Ok(out);
                }
            }
        }
        if !words.is_empty() {
            return Err(err(
                file,
                start_line,
                format!("directive '{}' is not terminated by ';'", words[0]),
            ));
        }
        if let Some((name, line_opened)) = opened {
            let line = tokens.last().map_or(1, |t| t.line);
            return Err(err(
                file,
                line,
                format!(
                    "unexpected end of file, expecting '}}' (for '{name}' opened at line {line_opened})"
                ),
            ));
        }
        Ok(out)
    }

    fn include(&mut self, pattern: &str, origin: &Origin) -> Result<Vec<Directive>, NginxError> {
        if self.base.as_os_str().is_empty() && self.stack.is_empty() {
            return Err(err(
                &origin.file,
                origin.line,
                "'include' is not available here",
            ));
        }
        let path = Path::new(pattern);
        let full = if path.is_absolute() {
            path.to_path_buf()
        } else {
            self.base.join(path)
        };
        let files = if has_glob(pattern) {
            glob(&full)
        } else {
            vec![full]
        };
        let mut out = Vec::new();
        for file in files {
            if !file.exists() {
                self.notes.push(format!(
                    "{origin}: include '{pattern}' not found ({}): skipped",
                    file.display()
                ));
                continue;
            }
            out.extend(self.read_file(&file, Some(origin))?);
        }
        Ok(out)
    }
}

fn has_glob(s: &str) -> bool {
    s.contains(['*', '?', '['])
}

/// Expand a glob (`*`, `?`, `[...]` in any component), sorted; hidden files are not matched by
/// wildcards, as with glob(3).
fn glob(pattern: &Path) -> Vec<PathBuf> {
    let mut current = vec![PathBuf::new()];
    for component in pattern.components() {
        let part = component.as_os_str().to_string_lossy();
        let mut next = Vec::new();
        for dir in &current {
            if !has_glob(&part) {
                next.push(dir.join(component.as_os_str()));
                continue;
            }
            let listing = if dir.as_os_str().is_empty() {
                Path::new(".")
            } else {
                dir.as_path()
            };
            let Ok(entries) = std::fs::read_dir(listing) else {
                continue;
            };
            let mut names: Vec<String> = entries
                .filter_map(|e| e.ok())
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .filter(|n| !n.starts_with('.') && wildcard(&part, n))
                .collect();
            names.sort();
            next.extend(names.into_iter().map(|n| dir.join(n)));
        }
        current = next;
    }
    current.into_iter().filter(|p| p.is_file()).collect()
}

/// Match `name` against a shell wildcard.
fn wildcard(pattern: &str, name: &str) -> bool {
    let p: Vec<char> = pattern.chars().collect();
    let n: Vec<char> = name.chars().collect();
    wildcard_at(&p, &n)
}

fn wildcard_at(p: &[char], n: &[char]) -> bool {
    match p.first() {
        None => n.is_empty(),
        Some('*') => (0..=n.len()).any(|i| wildcard_at(&p[1..], &n[i..])),
        Some('?') => !n.is_empty() && wildcard_at(&p[1..], &n[1..]),
        Some('[') => {
            let Some(end) = p.iter().skip(1).position(|&c| c == ']').map(|i| i + 1) else {
                return n.first() == Some(&'[') && wildcard_at(&p[1..], &n[1..]);
            };
            let Some(&c) = n.first() else { return false };
            let mut set = &p[1..end];
            let negate = matches!(set.first(), Some('!' | '^'));
            if negate {
                set = &set[1..];
            }
            let mut hit = false;
            let mut i = 0;
            while i < set.len() {
                if i + 2 < set.len() && set[i + 1] == '-' {
                    hit |= set[i] <= c && c <= set[i + 2];
                    i += 3;
                } else {
                    hit |= set[i] == c;
                    i += 1;
                }
            }
            hit != negate && wildcard_at(&p[end + 1..], &n[1..])
        }
        Some(&c) => n.first() == Some(&c) && wildcard_at(&p[1..], &n[1..]),
    }
}

/// Settings inherited from enclosing blocks: every `<module>_next_upstream[_tries]` seen.
#[derive(Debug, Clone, Default)]
struct Inherited {
    next: BTreeMap<String, Setting<Vec<String>>>,
    stream: bool,
}

impl Inherited {
    /// A copy with the block's own `*_next_upstream*` settings applied (nginx applies a block's
    /// settings wherever they appear in it).
    fn with(&self, directives: &[Directive]) -> Inherited {
        let mut here = self.clone();
        for d in directives {
            if d.name.ends_with("_next_upstream") || d.name.ends_with("_next_upstream_tries") {
                here.next.insert(
                    d.name.clone(),
                    Setting {
                        value: d.args.clone(),
                        origin: d.origin.clone(),
                    },
                );
            }
        }
        here
    }
}

/// Directives that pass a request to an upstream.
const PASS: [&str; 6] = [
    "proxy_pass",
    "grpc_pass",
    "fastcgi_pass",
    "uwsgi_pass",
    "scgi_pass",
    "memcached_pass",
];

/// A location (or stream server) from its block, with the settings in effect there.
fn location(
    path: String,
    modifier: Option<String>,
    origin: &Origin,
    block: &[Directive],
    inner: &Inherited,
) -> Location {
    let pass = block.iter().find(|x| PASS.contains(&x.name.as_str()));
    let mut location = Location {
        path,
        modifier,
        origin: origin.clone(),
        stream: inner.stream,
        pass_directive: pass.map(|p| p.name.clone()),
        proxy_pass: pass.and_then(|p| p.args.first().cloned()),
        next_upstream: None,
        next_upstream_tries: None,
        health_check: block.iter().any(|x| x.name == "health_check"),
        returns: block.iter().any(|x| x.name == "return"),
    };
    let module = location.module().to_string();
    location.next_upstream = inner.next.get(&format!("{module}_next_upstream")).cloned();
    location.next_upstream_tries = inner
        .next
        .get(&format!("{module}_next_upstream_tries"))
        .map(|s| Setting {
            value: s.value.join(" "),
            origin: s.origin.clone(),
        });
    location
}

fn collect(
    directives: &[Directive],
    outer: &Inherited,
    conf: &mut NginxConf,
) -> Result<(), NginxError> {
    let here = outer.with(directives);
    for d in directives {
        let Some(block) = &d.block else { continue };
        match d.name.as_str() {
            "upstream" => conf.upstreams.push(upstream(d, block, here.stream)?),
            "location" => {
                let (modifier, path) = match d.args.as_slice() {
                    [m, p] => (Some(m.clone()), p.clone()),
                    [p] => (None, p.clone()),
                    _ => (None, d.args.join(" ")),
                };
                let inner = here.with(block);
                conf.locations
                    .push(location(path, modifier, &d.origin, block, &inner));
                collect(block, &inner, conf)?;
            }
            "stream" => {
                let inner = Inherited {
                    stream: true,
                    ..Inherited::default()
                };
                collect(block, &inner, conf)?;
            }
            "server" if here.stream => {
                let inner = here.with(block);
                let listen = block
                    .iter()
                    .filter(|x| x.name == "listen")
                    .filter_map(|x| x.args.first().cloned())
                    .collect::<Vec<_>>()
                    .join(", ");
                conf.locations
                    .push(location(listen, None, &d.origin, block, &inner));
            }
            // Lua and other raw blocks hold no directives.
            _ => collect(block, &here, conf)?,
        }
    }
    Ok(())
}

/// Parameters of an upstream `server` line that take no value.
const SERVER_FLAGS: [&str; 4] = ["backup", "down", "resolve", "drain"];

fn upstream(d: &Directive, block: &[Directive], stream: bool) -> Result<Upstream, NginxError> {
    let mut up = Upstream {
        name: d.args.first().cloned().unwrap_or_default(),
        origin: d.origin.clone(),
        servers: Vec::new(),
        methods: Vec::new(),
        zone: None,
        state: None,
        lua_balancer: false,
        stream,
    };
    for x in block {
        match x.name.as_str() {
            "server" => {
                let mut params: BTreeMap<&str, &str> = BTreeMap::new();
                let mut flags = Vec::new();
                for a in x.args.iter().skip(1) {
                    match a.split_once('=') {
                        Some((k, v)) => {
                            params.insert(k, v);
                        }
                        None if SERVER_FLAGS.contains(&a.as_str()) => flags.push(a.as_str()),
                        // nginx refuses it too; usually a missing ';' joined two lines.
                        None => {
                            return Err(err(
                                &x.origin.file,
                                x.origin.line,
                                format!(
                                    "upstream server: invalid parameter '{a}' (a missing ';'?)"
                                ),
                            ));
                        }
                    }
                }
                up.servers.push(UpstreamServer {
                    address: x.args.first().cloned().unwrap_or_default(),
                    origin: x.origin.clone(),
                    max_fails: params.get("max_fails").and_then(|v| v.parse().ok()),
                    fail_timeout: params.get("fail_timeout").map(|v| v.to_string()),
                    resolve: flags.contains(&"resolve"),
                    service: params.get("service").map(|v| v.to_string()),
                    backup: flags.contains(&"backup"),
                    down: flags.contains(&"down"),
                });
            }
            "least_conn" | "ip_hash" | "hash" | "random" | "least_time" => {
                up.methods.push(x.name.clone())
            }
            "zone" => up.zone = x.args.first().cloned(),
            "state" => up.state = x.args.first().cloned(),
            "balancer_by_lua_block" | "balancer_by_lua_file" => up.lua_balancer = true,
            _ => {}
        }
    }
    Ok(up)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<NginxConf, NginxError> {
        parse_str(Path::new("lb/nginx.conf"), text)
    }

    #[test]
    fn reads_upstreams_servers_and_parameters() {
        let c = parse(
            "upstream app { # comment\n  server a:80 max_fails=3 fail_timeout=30s;\n  server 'b:80' backup;\n  least_conn; ip_hash;\n}\n",
        )
        .unwrap();
        let up = &c.upstreams[0];
        assert_eq!(up.name, "app");
        assert_eq!(up.servers.len(), 2);
        assert_eq!(up.servers[0].max_fails, Some(3));
        assert_eq!(up.servers[0].fail_timeout.as_deref(), Some("30s"));
        assert_eq!(up.servers[1].address, "b:80");
        assert_eq!(up.servers[1].max_fails, None);
        assert!(up.servers[1].backup);
        assert_eq!(up.servers[1].origin.line, 3);
        assert_eq!(up.methods, ["least_conn", "ip_hash"]);
    }

    #[test]
    fn locations_inherit_proxy_next_upstream_from_server() {
        let c = parse(
            "http { server {\n proxy_next_upstream error timeout;\n location / { proxy_pass http://app; }\n\
             location = /health { proxy_pass http://app/health; proxy_next_upstream off; proxy_next_upstream_tries 2; }\n\
             location ~ \\.php$ { return 404; }\n} }",
        )
        .unwrap();
        assert_eq!(c.locations.len(), 3);
        let root = &c.locations[0];
        assert_eq!(root.upstream_name(), Some("app"));
        let nu = root.next_upstream.as_ref().unwrap();
        assert_eq!(nu.value, ["error", "timeout"]);
        assert_eq!(nu.origin.line, 2);
        assert!(root.next_upstream_tries.is_none());
        let health = &c.locations[1];
        assert_eq!(health.modifier.as_deref(), Some("="));
        assert_eq!(health.path, "/health");
        assert_eq!(health.next_upstream.as_ref().unwrap().value, ["off"]);
        assert_eq!(health.next_upstream_tries.as_ref().unwrap().value, "2");
        assert_eq!(c.locations[2].path, "\\.php$");
        assert!(c.locations[2].returns);
    }

    #[test]
    fn quotes_comments_and_variables() {
        let c = parse(
            "location /a { proxy_pass \"http://up;stream\"; } # } not a brace\nlocation /b { set $x \"${host}z\"; proxy_pass http://$x; }\n",
        )
        .unwrap();
        assert_eq!(
            c.locations[0].proxy_pass.as_deref(),
            Some("http://up;stream")
        );
        assert_eq!(c.locations[1].upstream_name(), None);
    }

    #[test]
    fn syntax_errors_name_file_and_line() {
        let e = parse("upstream a {\n server x\n}\n").unwrap_err();
        assert_eq!(
            e.to_string(),
            "lb/nginx.conf:2: directive 'server' is not terminated by ';'"
        );
        let e = parse("upstream a {\n server x;\n").unwrap_err();
        assert_eq!(
            e.to_string(),
            "lb/nginx.conf:2: unexpected end of file, expecting '}' (for 'upstream' opened at line 1)"
        );
        let e = parse("a;\n}\n").unwrap_err();
        assert_eq!(e.to_string(), "lb/nginx.conf:2: unexpected '}'");
        assert_eq!(e.at.as_ref().map(|o| o.line), Some(2));
        assert_eq!(e.message, "unexpected '}'");
        let e = parse("a \"b;\n").unwrap_err();
        assert_eq!(e.to_string(), "lb/nginx.conf:1: unterminated \"quote\"");
        let e = parse("upstream a {\n server x:1\n server y:1;\n}").unwrap_err();
        assert_eq!(
            e.to_string(),
            "lb/nginx.conf:2: upstream server: invalid parameter 'server' (a missing ';'?)"
        );
        let e = parse("include x.conf;").unwrap_err();
        assert!(e.to_string().contains("not available"), "{e}");
    }

    #[test]
    fn lua_blocks_are_read_as_lua() {
        let c = parse(
            "http {\n upstream lb { server 0.0.0.1; balancer_by_lua_block {\n local t = { a = \"}\" } -- }\n local s = [==[ { ]] } ]==] --[[ } ]]\n if x then return '{' end\n }\n }\n\
             server { location / { content_by_lua_block { ngx.say(\"}\") } proxy_pass http://lb; } }\n}\n",
        )
        .unwrap();
        assert!(c.upstreams[0].lua_balancer);
        assert_eq!(
            c.upstreams[0].runtime_servers().as_deref(),
            Some("balancer_by_lua picks the servers at run time")
        );
        assert_eq!(c.locations[0].upstream_name(), Some("lb"));
        assert_eq!(c.locations[0].origin.line, 8);
        let e = parse("a;\ninit_by_lua_block {\n local s = \"open\n}\n").unwrap_err();
        assert_eq!(
            e.to_string(),
            "lb/nginx.conf:3: unterminated Lua block (opened at line 2): a string, long bracket or '}' is not closed"
        );
    }

    #[test]
    fn stream_servers_other_pass_modules_and_runtime_upstreams() {
        let c = parse(
            "stream {\n upstream db { zone db 64k; server db1:5432 resolve; server db2:5432; }\n\
             server { listen 5432; proxy_pass db; health_check; }\n}\n\
             http { upstream php { server unix:/run/php.sock fail_timeout=0; }\n upstream plus { zone p 1m; state /var/lib/nginx/p.state; }\n\
             server { grpc_next_upstream error; location ~ \\.php$ { fastcgi_pass php; }\n location /g { grpc_pass grpc://php; }\n\
             if ($request_method = POST) { return 405; }\n types { text/html html; }\n } }\n",
        )
        .unwrap();
        let db = &c.upstreams[0];
        assert!(db.stream);
        assert!(db.servers[0].resolve);
        assert!(
            db.runtime_servers()
                .unwrap()
                .contains("db1:5432 resolved at run time")
        );
        let s = &c.locations[0];
        assert!(s.stream && s.health_check);
        assert_eq!((s.path.as_str(), s.upstream_name()), ("5432", Some("db")));
        assert_eq!(s.describe(), "stream server 5432 (nginx.conf:3)");
        assert_eq!(c.upstreams[1].servers[0].fail_timeout.as_deref(), Some("0"));
        assert!(
            c.upstreams[2]
                .runtime_servers()
                .unwrap()
                .contains("state file")
        );
        let php = &c.locations[1];
        assert_eq!(
            (php.module(), php.upstream_name()),
            ("fastcgi", Some("php"))
        );
        assert!(php.next_upstream.is_none());
        let g = &c.locations[2];
        assert_eq!(g.module(), "grpc");
        assert_eq!(g.next_upstream.as_ref().unwrap().value, ["error"]);
    }

    #[test]
    fn wildcards() {
        assert!(wildcard("*.conf", "a.conf"));
        assert!(!wildcard("*.conf", "a.conf.bak"));
        assert!(wildcard("up?.conf", "up1.conf"));
        assert!(wildcard("[a-c]*", "b.conf"));
        assert!(!wildcard("[!a-c]*", "b.conf"));
        assert!(wildcard("*", ""));
    }

    #[test]
    fn includes_globs_and_cycles() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        std::fs::create_dir(d.join("conf.d")).unwrap();
        std::fs::write(
            d.join("nginx.conf"),
            "http {\n include conf.d/*.conf;\n include none/*.conf;\n}\n",
        )
        .unwrap();
        std::fs::write(
            d.join("conf.d/a.conf"),
            "upstream a { server x:1; server y:1; }\n",
        )
        .unwrap();
        std::fs::write(
            d.join("conf.d/b.conf"),
            "server { location / { proxy_pass http://a; } }\n",
        )
        .unwrap();
        std::fs::write(d.join("conf.d/.hidden.conf"), "broken {").unwrap();
        let c = read(&d.join("nginx.conf")).unwrap();
        assert_eq!(c.files.len(), 3);
        assert_eq!(c.upstreams[0].servers.len(), 2);
        assert_eq!(c.upstreams[0].origin.file, d.join("conf.d/a.conf"));
        assert_eq!(c.locations[0].upstream_name(), Some("a"));

        std::fs::write(d.join("loop.conf"), "include loop2.conf;\n").unwrap();
        std::fs::write(d.join("loop2.conf"), "\n\ninclude loop.conf;\n").unwrap();
        let e = read(&d.join("loop.conf")).unwrap_err();
        assert!(
            e.to_string()
                .ends_with("loop2.conf:3: include cycle: loop.conf → loop2.conf → loop.conf"),
            "{e}"
        );

        std::fs::write(d.join("missing.conf"), "include nope.conf;\n").unwrap();
        let c = read(&d.join("missing.conf")).unwrap();
        assert_eq!(c.notes.len(), 1);
        assert!(
            c.notes[0].starts_with("missing.conf:1: include 'nope.conf' not found ("),
            "{:?}",
            c.notes
        );
    }
}
