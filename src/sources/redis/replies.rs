//! Pure parsing of `INFO` and `CLUSTER NODES` replies.

use super::*;

/// `INFO` text → field map (`# Section` headers and blank lines skipped).
pub fn parse_info(text: &str) -> HashMap<String, String> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

pub(super) fn mode_from_info(info: &HashMap<String, String>) -> RedisMode {
    match info.get("redis_mode").map(String::as_str) {
        Some("cluster") => RedisMode::Cluster,
        Some("sentinel") => RedisMode::Sentinel,
        Some(_) => RedisMode::Standalone,
        None if info.get("cluster_enabled").map(String::as_str) == Some("1") => RedisMode::Cluster,
        None => RedisMode::Standalone,
    }
}

pub(super) fn info_u64(info: &HashMap<String, String>, key: &str) -> Option<u64> {
    info.get(key).and_then(|v| v.trim().parse().ok())
}

pub(super) fn info_u32(info: &HashMap<String, String>, key: &str) -> u32 {
    info.get(key)
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(0)
}

/// Replicas in `state=online` from `INFO replication` (`slave0:ip=…,port=…,state=online,…`).
pub(super) fn online_replicas(info: &HashMap<String, String>) -> u32 {
    let online = info
        .iter()
        .filter(|(k, _)| {
            k.starts_with("slave") && k[5..].chars().all(|c| c.is_ascii_digit()) && k.len() > 5
        })
        .filter(|(_, v)| v.split(',').any(|kv| kv == "state=online"))
        .count();
    u32::try_from(online).unwrap_or(u32::MAX)
}

/// One `CLUSTER NODES` output → nodes (unparseable lines skipped).
pub fn parse_cluster_nodes(text: &str) -> Vec<ClusterNode> {
    text.lines().filter_map(parse_cluster_node_line).collect()
}

pub(super) fn parse_cluster_node_line(line: &str) -> Option<ClusterNode> {
    let fields: Vec<&str> = line.split_whitespace().collect();
    if fields.len() < 8 {
        return None;
    }
    // `ip:port@cport[,hostname]`; a `noaddr` node shows `:0@0`.
    let addr = fields[1].split(['@', ',']).next().unwrap_or_default();
    let addr = if addr.starts_with(':') {
        String::new()
    } else {
        addr.to_string()
    };
    let flags: Vec<String> = fields[2]
        .split(',')
        .filter(|f| !f.is_empty() && *f != "noflags")
        .map(String::from)
        .collect();
    let master_id = (fields[3] != "-").then(|| fields[3].to_string());
    let slots = fields[8..]
        .iter()
        .filter(|s| !s.starts_with('['))
        .map(|s| match s.split_once('-') {
            Some((a, b)) => match (a.parse::<u32>(), b.parse::<u32>()) {
                (Ok(a), Ok(b)) if b >= a => b - a + 1,
                _ => 0,
            },
            None => u32::from(s.parse::<u32>().is_ok()),
        })
        .sum();
    Some(ClusterNode {
        id: fields[0].to_string(),
        addr,
        flags,
        master_id,
        link_connected: fields[7] == "connected",
        slots,
        answered: None,
        online_replicas: None,
    })
}
