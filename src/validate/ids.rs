//! The stable check ids, grouped and ordered as the seed's `SCALING_CHECKLIST`.

/// Redis cluster configured for high availability (from `validate::redis`).
pub const REDIS_HA: &str = "infrastructure.redis_ha";
/// Load balancer configured with health checks.
pub const LOAD_BALANCER: &str = "infrastructure.load_balancer";
/// Auto-scaling policies defined.
pub const AUTOSCALING_POLICY: &str = "infrastructure.autoscaling_policy";
/// Resource limits and requests configured.
pub const RESOURCES: &str = "infrastructure.resources";
/// Pod disruption budgets set.
pub const PDB: &str = "infrastructure.pdb";
/// Instance-specific cache prefixes.
pub const INSTANCE_CACHE_PREFIX: &str = "configuration.instance_cache_prefix";
/// Shared cache configuration.
pub const SHARED_CACHE: &str = "configuration.shared_cache";
/// Regional endpoints configured.
pub const REGIONAL_ENDPOINTS: &str = "configuration.regional_endpoints";
/// Cross-region sync enabled.
pub const CROSS_REGION_SYNC: &str = "configuration.cross_region_sync";
/// Monitoring and alerting setup.
pub const MONITORING: &str = "configuration.monitoring";
/// Cache hit rates > 80%.
pub const CACHE_HIT_RATE: &str = "performance.cache_hit_rate";
/// Response times < 500ms.
pub const RESPONSE_TIME: &str = "performance.response_time";
/// Error rates < 1%.
pub const ERROR_RATE: &str = "performance.error_rate";
/// CPU utilization 60-80%.
pub const CPU_UTILIZATION: &str = "performance.cpu_utilization";
/// Memory utilization < 85%.
pub const MEMORY_UTILIZATION: &str = "performance.memory_utilization";
/// Multi-AZ deployment.
pub const MULTI_AZ: &str = "reliability.multi_az";
/// Graceful shutdown handling.
pub const GRACEFUL_SHUTDOWN: &str = "reliability.graceful_shutdown";
/// Readiness (and liveness) probes on every serving container.
pub const HEALTH_PROBES: &str = "reliability.health_probes";
/// Circuit breakers implemented.
pub const CIRCUIT_BREAKERS: &str = "reliability.circuit_breakers";
/// Retry logic configured.
pub const RETRY_LOGIC: &str = "reliability.retry_logic";
/// Backup and recovery tested.
pub const BACKUP_RECOVERY: &str = "reliability.backup_recovery";

/// Every check id, in report order.
pub const ALL: [&str; 21] = [
    REDIS_HA,
    LOAD_BALANCER,
    AUTOSCALING_POLICY,
    RESOURCES,
    PDB,
    INSTANCE_CACHE_PREFIX,
    SHARED_CACHE,
    REGIONAL_ENDPOINTS,
    CROSS_REGION_SYNC,
    MONITORING,
    CACHE_HIT_RATE,
    RESPONSE_TIME,
    ERROR_RATE,
    CPU_UTILIZATION,
    MEMORY_UTILIZATION,
    MULTI_AZ,
    GRACEFUL_SHUTDOWN,
    HEALTH_PROBES,
    CIRCUIT_BREAKERS,
    RETRY_LOGIC,
    BACKUP_RECOVERY,
];

/// The categories, in report order.
pub const CATEGORIES: [&str; 4] = [
    "infrastructure",
    "configuration",
    "performance",
    "reliability",
];
