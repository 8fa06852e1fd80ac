//! Kubernetes manifests (`--manifests PATH`): reads YAML files (multi-document) into the few
//! plain facts the readiness rules need — workloads, HPAs, KEDA ScaledObjects, PDBs, ConfigMaps,
//! Services, ServiceMonitors/PodMonitors and the kinds seen.
//!
//! What `kubectl get -o yaml` prints (`kind: List`, `DeploymentList`, …) is expanded into its
//! items. Files that are not Kubernetes objects (`Chart.yaml`, values files, documents without a
//! `kind`) are skipped with a note; a Helm template is an error naming the first `{{` line, as it
//! is not YAML until rendered. The same object (kind, namespace, name) read twice — a kustomize
//! base beside its overlay — is kept once, with a note.
//!
//! Only the fields the rules read are modelled; everything else is ignored. Each document is
//! parsed twice from the same text: once as a generic value (to learn its `kind`, and to report
//! syntax errors as `file:line:column`), then into the typed struct, so a wrong type in a field we
//! read is reported with its YAML path (`spec.minReplicas: invalid type …`) and position.

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Deserializer};

/// An error reading manifests: where (the file, and the line and column when known) and what.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}{message}", at.as_ref().map_or(String::new(), |p| format!("{p}: ")))]
pub struct ManifestError {
    /// The file (and position) the error is about; none when the message names a path itself.
    pub at: Option<Place>,
    /// What is wrong there.
    pub message: String,
}

/// A position in a manifest file: `file[:line[:column]]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Place {
    /// The file.
    pub file: PathBuf,
    /// The line (1-based), when known.
    pub line: Option<usize>,
    /// The column (1-based), when known.
    pub column: Option<usize>,
}

impl std::fmt::Display for Place {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.file.display())?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
        }
        if let Some(column) = self.column {
            write!(f, ":{column}")?;
        }
        Ok(())
    }
}

impl ManifestError {
    /// An error about a whole path, named in `message`.
    fn about(message: String) -> ManifestError {
        ManifestError { at: None, message }
    }

    /// An error at a place in `file`.
    fn at(
        file: &Path,
        line: Option<usize>,
        column: Option<usize>,
        message: String,
    ) -> ManifestError {
        ManifestError {
            at: Some(Place {
                file: file.to_path_buf(),
                line,
                column,
            }),
            message,
        }
    }
}

/// A parsed object and where it came from.
#[derive(Debug, Clone, PartialEq)]
pub struct Located<T> {
    /// The file it was read from.
    pub file: PathBuf,
    /// Its 1-based position among the file's documents.
    pub doc: usize,
    /// The object.
    pub object: T,
}

/// Everything the rules need from `--manifests`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Manifests {
    /// What was skipped or counted once, e.g. "Chart.yaml: no 'kind' …: skipped".
    pub notes: Vec<String>,
    /// Services (to match ServiceMonitors to workloads).
    pub services: Vec<Located<Service>>,
    /// ServiceMonitors and PodMonitors (prometheus-operator).
    pub monitors: Vec<Located<Monitor>>,
    /// KEDA ScaledObjects.
    pub scaled_objects: Vec<Located<ScaledObject>>,
    /// `namespace/name` of the workloads `--workload` restricts the checks to (empty: all).
    pub only_workloads: Vec<String>,
    /// Duplicates met in the file being read (noted once per file).
    duplicates: Vec<String>,
    /// (kind, namespace, name) of every object read, to count duplicates once.
    seen: std::collections::BTreeSet<(String, String, String)>,
    /// The files read, in order.
    pub files: Vec<PathBuf>,
    /// Number of non-empty documents read.
    pub documents: usize,
    /// Deployments and StatefulSets.
    pub workloads: Vec<Located<Workload>>,
    /// HorizontalPodAutoscalers (autoscaling/v1 and v2).
    pub hpas: Vec<Located<Hpa>>,
    /// PodDisruptionBudgets.
    pub pdbs: Vec<Located<Pdb>>,
    /// ConfigMaps (to resolve `envFrom`).
    pub config_maps: Vec<Located<ConfigMap>>,
    /// How many objects of each kind were seen (e.g. `ServiceMonitor`).
    pub kinds: BTreeMap<String, usize>,
}

/// `metadata`.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ObjectMeta {
    /// `metadata.name`.
    pub name: String,
    /// `metadata.namespace` (`None` = the default namespace).
    pub namespace: Option<String>,
    /// Labels (scalar values are kept as text).
    #[serde(deserialize_with = "string_map")]
    pub labels: BTreeMap<String, String>,
    /// Annotations (scalar values are kept as text).
    #[serde(deserialize_with = "string_map")]
    pub annotations: BTreeMap<String, String>,
}

impl ObjectMeta {
    /// The namespace, `default` when unset.
    pub fn ns(&self) -> &str {
        self.namespace.as_deref().unwrap_or("default")
    }
}

/// A Deployment or StatefulSet.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Workload {
    /// `Deployment` or `StatefulSet` (filled in from the document's kind).
    #[serde(skip)]
    pub kind: String,
    /// Its metadata.
    pub metadata: ObjectMeta,
    /// Its spec.
    pub spec: WorkloadSpec,
}

impl Workload {
    /// "Deployment rizk-app", for messages.
    pub fn display(&self) -> String {
        format!("{} {}", self.kind, self.metadata.name)
    }
}

/// `spec` of a Deployment/StatefulSet.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct WorkloadSpec {
    /// `spec.replicas` (Kubernetes defaults it to 1).
    pub replicas: Option<u32>,
    /// `spec.selector`.
    pub selector: Option<LabelSelector>,
    /// `spec.template`.
    pub template: PodTemplate,
}

impl Workload {
    /// "ns/name", the form `--workload` accepts.
    pub fn qualified_name(&self) -> String {
        format!("{}/{}", self.metadata.ns(), self.metadata.name)
    }
}

/// `spec.template`.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct PodTemplate {
    /// Pod labels and annotations.
    pub metadata: ObjectMeta,
    /// The pod spec.
    pub spec: PodSpec,
}

/// The parts of a pod spec the rules read.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct PodSpec {
    /// The containers.
    pub containers: Vec<Container>,
    /// `initContainers` (checked for resources too: the scheduler counts them).
    pub init_containers: Vec<Container>,
    /// `terminationGracePeriodSeconds` (Kubernetes defaults it to 30).
    pub termination_grace_period_seconds: Option<i64>,
    /// `affinity`.
    pub affinity: Option<Affinity>,
    /// `topologySpreadConstraints`.
    pub topology_spread_constraints: Vec<TopologySpreadConstraint>,
}

/// A container.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Container {
    /// Its name.
    pub name: String,
    /// Its ports.
    pub ports: Vec<ContainerPort>,
    /// `env`.
    pub env: Vec<EnvVar>,
    /// `envFrom`.
    pub env_from: Vec<EnvFromSource>,
    /// `resources`.
    pub resources: Resources,
    /// `lifecycle`.
    pub lifecycle: Option<Lifecycle>,
    /// `readinessProbe`, kept as a generic value.
    pub readiness_probe: Option<serde_json::Value>,
    /// `livenessProbe`, kept as a generic value.
    pub liveness_probe: Option<serde_json::Value>,
}

/// A container port.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ContainerPort {
    /// The port number (`None` when missing: the API server would refuse it).
    pub container_port: Option<u32>,
    /// Its name.
    pub name: Option<String>,
}

/// An `env` entry.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct EnvVar {
    /// The variable name.
    pub name: String,
    /// A literal value (may reference `$(OTHER)`).
    pub value: Option<String>,
    /// Where the value comes from instead.
    pub value_from: Option<EnvVarSource>,
}

/// `valueFrom`.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct EnvVarSource {
    /// `fieldRef`.
    pub field_ref: Option<FieldRef>,
    /// `secretKeyRef`.
    pub secret_key_ref: Option<KeyRef>,
    /// `configMapKeyRef`.
    pub config_map_key_ref: Option<KeyRef>,
}

/// `fieldRef`.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct FieldRef {
    /// e.g. `metadata.name`.
    pub field_path: String,
}

/// `secretKeyRef` / `configMapKeyRef`.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct KeyRef {
    /// The Secret/ConfigMap name.
    pub name: String,
    /// The key.
    pub key: String,
}

/// An `envFrom` entry.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct EnvFromSource {
    /// `configMapRef`.
    pub config_map_ref: Option<NameRef>,
    /// `secretRef`.
    pub secret_ref: Option<NameRef>,
    /// `prefix`.
    pub prefix: Option<String>,
}

/// A reference by name.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct NameRef {
    /// The referenced object's name.
    pub name: String,
}

/// `resources`.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Resources {
    /// `requests` (quantities as text, e.g. `200m`, `256Mi`).
    #[serde(deserialize_with = "string_map")]
    pub requests: BTreeMap<String, String>,
    /// `limits`.
    #[serde(deserialize_with = "string_map")]
    pub limits: BTreeMap<String, String>,
}

/// `lifecycle`.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Lifecycle {
    /// `preStop`, kept as a generic value (exec, httpGet or sleep).
    pub pre_stop: Option<serde_json::Value>,
}

/// `affinity`.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Affinity {
    /// `podAntiAffinity`.
    pub pod_anti_affinity: Option<PodAntiAffinity>,
}

/// `podAntiAffinity`.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct PodAntiAffinity {
    /// Hard terms.
    pub required_during_scheduling_ignored_during_execution: Vec<PodAffinityTerm>,
    /// Soft terms.
    pub preferred_during_scheduling_ignored_during_execution: Vec<WeightedPodAffinityTerm>,
}

/// A weighted (soft) term.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct WeightedPodAffinityTerm {
    /// The weight.
    pub weight: i64,
    /// The term.
    pub pod_affinity_term: PodAffinityTerm,
}

/// An affinity term.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct PodAffinityTerm {
    /// Which pods it counts.
    pub label_selector: Option<LabelSelector>,
    /// The domain key, e.g. `topology.kubernetes.io/zone`.
    pub topology_key: String,
    /// The namespaces whose pods it counts (empty with no selector: the pod's own).
    pub namespaces: Vec<String>,
    /// Namespaces selected by label (`{}` selects every namespace).
    pub namespace_selector: Option<LabelSelector>,
}

/// A topology spread constraint.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct TopologySpreadConstraint {
    /// `maxSkew`.
    pub max_skew: i64,
    /// The domain key.
    pub topology_key: String,
    /// `DoNotSchedule` or `ScheduleAnyway`.
    pub when_unsatisfiable: String,
    /// Which pods it counts.
    pub label_selector: Option<LabelSelector>,
}

/// A label selector.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct LabelSelector {
    /// `matchLabels`.
    #[serde(deserialize_with = "string_map")]
    pub match_labels: BTreeMap<String, String>,
    /// `matchExpressions`.
    pub match_expressions: Vec<LabelSelectorRequirement>,
}

/// One `matchExpressions` entry.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct LabelSelectorRequirement {
    /// The label key.
    pub key: String,
    /// `In`, `NotIn`, `Exists`, `DoesNotExist`.
    pub operator: String,
    /// The values.
    pub values: Vec<String>,
}

impl LabelSelector {
    /// Whether pods with `labels` are selected (Kubernetes semantics; an empty selector selects
    /// everything, an unknown operator selects nothing).
    pub fn matches(&self, labels: &BTreeMap<String, String>) -> bool {
        let by_labels = self
            .match_labels
            .iter()
            .all(|(k, v)| labels.get(k) == Some(v));
        by_labels
            && self.match_expressions.iter().all(|r| {
                let value = labels.get(&r.key);
                match r.operator.as_str() {
                    "In" => value.is_some_and(|v| r.values.contains(v)),
                    "NotIn" => value.is_none_or(|v| !r.values.contains(v)),
                    "Exists" => value.is_some(),
                    "DoesNotExist" => value.is_none(),
                    _ => false,
                }
            })
    }
}

impl fmt::Display for LabelSelector {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut parts: Vec<String> = self
            .match_labels
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect();
        for r in &self.match_expressions {
            parts.push(match r.operator.as_str() {
                "Exists" => r.key.clone(),
                "DoesNotExist" => format!("!{}", r.key),
                op => format!("{} {} ({})", r.key, op.to_lowercase(), r.values.join(",")),
            });
        }
        if parts.is_empty() {
            f.write_str("<everything>")
        } else {
            f.write_str(&parts.join(","))
        }
    }
}

/// Render labels as `k=v,k2=v2`.
pub fn labels_display(labels: &BTreeMap<String, String>) -> String {
    let parts: Vec<String> = labels.iter().map(|(k, v)| format!("{k}={v}")).collect();
    if parts.is_empty() {
        "<no labels>".to_string()
    } else {
        parts.join(",")
    }
}

/// A HorizontalPodAutoscaler (v1, v2beta1, v2beta2 or v2).
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Hpa {
    /// `apiVersion`, e.g. `autoscaling/v2beta1`.
    pub api_version: String,
    /// Its metadata.
    pub metadata: ObjectMeta,
    /// Its spec.
    pub spec: HpaSpec,
}

/// `spec` of an HPA.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct HpaSpec {
    /// What it scales.
    pub scale_target_ref: ScaleTargetRef,
    /// `minReplicas` (Kubernetes defaults it to 1).
    pub min_replicas: Option<u32>,
    /// `maxReplicas`.
    pub max_replicas: Option<u32>,
    /// autoscaling/v2 `metrics`.
    pub metrics: Vec<serde_json::Value>,
    /// autoscaling/v1 `targetCPUUtilizationPercentage`.
    #[serde(rename = "targetCPUUtilizationPercentage")]
    pub target_cpu_utilization_percentage: Option<u32>,
    /// `behavior` (scale-up/down policies).
    pub behavior: Option<serde_json::Value>,
}

/// `scaleTargetRef`.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ScaleTargetRef {
    /// The target's kind.
    pub kind: String,
    /// The target's name.
    pub name: String,
}

/// A PodDisruptionBudget.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Pdb {
    /// Its metadata.
    pub metadata: ObjectMeta,
    /// Its spec.
    pub spec: PdbSpec,
}

/// `spec` of a PDB.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct PdbSpec {
    /// `minAvailable` (a count or a percentage).
    pub min_available: Option<IntOrPercent>,
    /// `maxUnavailable` (a count or a percentage).
    pub max_unavailable: Option<IntOrPercent>,
    /// `selector` (`None` selects no pods).
    pub selector: Option<LabelSelector>,
}

/// A count or a percentage, as in `minAvailable: 2` / `minAvailable: "50%"`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum IntOrPercent {
    /// A pod count.
    Int(u32),
    /// A percentage of the pods.
    Percent(u32),
}

impl IntOrPercent {
    /// The pod count for `total` pods (Kubernetes rounds percentages up for PDBs).
    pub fn resolve(self, total: u32) -> u32 {
        match self {
            IntOrPercent::Int(n) => n,
            IntOrPercent::Percent(p) => (u64::from(p) * u64::from(total)).div_ceil(100) as u32,
        }
    }
}

impl fmt::Display for IntOrPercent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            IntOrPercent::Int(n) => write!(f, "{n}"),
            IntOrPercent::Percent(p) => write!(f, "{p}%"),
        }
    }
}

impl<'de> Deserialize<'de> for IntOrPercent {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        use serde::de::Error;
        match serde_json::Value::deserialize(d)? {
            serde_json::Value::Number(n) => n
                .as_u64()
                .and_then(|n| u32::try_from(n).ok())
                .map(IntOrPercent::Int)
                .ok_or_else(|| D::Error::custom(format!("expected a pod count, got {n}"))),
            serde_json::Value::String(s) => {
                let t = s.trim();
                let parsed = match t.strip_suffix('%') {
                    Some(p) => p.trim().parse().map(IntOrPercent::Percent),
                    None => t.parse().map(IntOrPercent::Int),
                };
                parsed.map_err(|_| {
                    D::Error::custom(format!("expected a count or a percentage, got '{s}'"))
                })
            }
            other => Err(D::Error::custom(format!(
                "expected a count or a percentage, got {other}"
            ))),
        }
    }
}

/// A Service.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Service {
    /// Its metadata.
    pub metadata: ObjectMeta,
    /// Its spec.
    pub spec: ServiceSpec,
}

/// `spec` of a Service.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ServiceSpec {
    /// The pod labels it selects (empty: no pods, endpoints managed by hand).
    #[serde(deserialize_with = "string_map")]
    pub selector: BTreeMap<String, String>,
    /// Its ports.
    pub ports: Vec<ServicePort>,
}

/// A Service port.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ServicePort {
    /// Its name.
    pub name: Option<String>,
    /// The port number.
    pub port: Option<u32>,
    /// The pod port (a number or a container port name).
    pub target_port: Option<serde_json::Value>,
}

/// A prometheus-operator ServiceMonitor or PodMonitor.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Monitor {
    /// `ServiceMonitor` or `PodMonitor` (filled in from the document's kind).
    #[serde(skip)]
    pub kind: String,
    /// Its metadata.
    pub metadata: ObjectMeta,
    /// Its spec.
    pub spec: MonitorSpec,
}

/// `spec` of a ServiceMonitor/PodMonitor.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct MonitorSpec {
    /// The Services (ServiceMonitor) or pods (PodMonitor) it selects.
    pub selector: LabelSelector,
    /// Where to look (default: the monitor's own namespace).
    pub namespace_selector: Option<MonitorNamespaces>,
    /// ServiceMonitor endpoints.
    pub endpoints: Vec<MonitorEndpoint>,
    /// PodMonitor endpoints.
    pub pod_metrics_endpoints: Vec<MonitorEndpoint>,
}

/// `namespaceSelector` of a monitor.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct MonitorNamespaces {
    /// Every namespace.
    pub any: bool,
    /// These namespaces.
    pub match_names: Vec<String>,
}

/// A scrape endpoint of a monitor.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct MonitorEndpoint {
    /// The port name (Service port name, or container port name for a PodMonitor).
    pub port: Option<String>,
    /// The pod port (number or name).
    pub target_port: Option<serde_json::Value>,
}

impl Monitor {
    /// Whether objects in `ns` are looked at.
    pub fn watches(&self, ns: &str) -> bool {
        match &self.spec.namespace_selector {
            Some(s) if s.any => true,
            Some(s) if !s.match_names.is_empty() => s.match_names.iter().any(|n| n == ns),
            _ => self.metadata.ns() == ns,
        }
    }
}

/// A KEDA ScaledObject (keda.sh/v1alpha1).
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ScaledObject {
    /// Its metadata.
    pub metadata: ObjectMeta,
    /// Its spec.
    pub spec: ScaledObjectSpec,
}

/// `spec` of a ScaledObject.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ScaledObjectSpec {
    /// What it scales (`kind` defaults to Deployment).
    pub scale_target_ref: ScaleTargetRef,
    /// `minReplicaCount` (KEDA's default 0).
    pub min_replica_count: Option<u32>,
    /// `maxReplicaCount` (KEDA's default 100).
    pub max_replica_count: Option<u32>,
    /// Its triggers.
    pub triggers: Vec<serde_json::Value>,
}

/// A ConfigMap.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ConfigMap {
    /// Its metadata.
    pub metadata: ObjectMeta,
    /// Its data.
    #[serde(deserialize_with = "string_map")]
    pub data: BTreeMap<String, String>,
}

/// A map whose scalar values (strings, numbers, booleans) are kept as text: `version: 1` and
/// `prometheus.io/scrape: true` are common in hand-written manifests.
fn string_map<'de, D: Deserializer<'de>>(d: D) -> Result<BTreeMap<String, String>, D::Error> {
    use serde::de::Error;
    let raw: Option<BTreeMap<String, serde_json::Value>> = Option::deserialize(d)?;
    raw.unwrap_or_default()
        .into_iter()
        .map(|(k, v)| match v {
            serde_json::Value::String(s) => Ok((k, s)),
            serde_json::Value::Number(n) => Ok((k, n.to_string())),
            serde_json::Value::Bool(b) => Ok((k, b.to_string())),
            serde_json::Value::Null => Ok((k, String::new())),
            other => Err(D::Error::custom(format!(
                "{k}: expected a string, got {other}"
            ))),
        })
        .collect()
}

/// A CPU or memory quantity in base units (cores or bytes), e.g. `200m` → 0.2, `1Gi` → 2^30.
pub fn parse_quantity(q: &str) -> Option<f64> {
    let q = q.trim();
    let split = q
        .find(|c: char| c.is_ascii_alphabetic() && c != 'e' && c != 'E')
        .unwrap_or(q.len());
    let (number, suffix) = q.split_at(split);
    let value: f64 = number.parse().ok()?;
    let factor = match suffix {
        "" => 1.0,
        "n" => 1e-9,
        "u" => 1e-6,
        "m" => 1e-3,
        "k" => 1e3,
        "M" => 1e6,
        "G" => 1e9,
        "T" => 1e12,
        "P" => 1e15,
        "E" => 1e18,
        "Ki" => 1024.0,
        "Mi" => 1024.0 * 1024.0,
        "Gi" => 1024.0 * 1024.0 * 1024.0,
        "Ti" => 1024.0 * 1024.0 * 1024.0 * 1024.0,
        "Pi" => 1024.0 * 1024.0 * 1024.0 * 1024.0 * 1024.0,
        _ => return None,
    };
    Some(value * factor).filter(|v| v.is_finite() && *v >= 0.0)
}

/// A file a directory's manifests are read from: `*.yaml` or `*.yml`.
fn is_manifest_file(p: &Path) -> bool {
    p.is_file() && p.extension().is_some_and(|x| x == "yaml" || x == "yml")
}

/// When a directory holds no manifests but its subdirectories do: how to name them (they are
/// not read, as `kubectl apply -f DIR` does not read them).
fn subdirectory_hint(dir: &Path) -> String {
    let mut with_yaml: Vec<String> = std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|d| d.is_dir())
        .filter(|d| {
            std::fs::read_dir(d)
                .into_iter()
                .flatten()
                .filter_map(|e| e.ok())
                .any(|e| is_manifest_file(&e.path()))
        })
        .filter_map(|d| d.file_name().map(|n| n.to_string_lossy().into_owned()))
        .collect();
    if with_yaml.is_empty() {
        return String::new();
    }
    with_yaml.sort();
    let shown: Vec<&str> = with_yaml.iter().take(3).map(String::as_str).collect();
    let more = with_yaml.len().saturating_sub(3);
    let more = if more > 0 {
        format!(" and {more} more")
    } else {
        String::new()
    };
    format!(
        " (subdirectories are not read, as with kubectl apply -f; {}{more} hold some: name them, e.g. '{}')",
        shown.join(", "),
        dir.join(shown.first().copied().unwrap_or_default())
            .display()
    )
}

/// Read `paths` (files, or directories whose `*.yaml`/`*.yml` files are read, not recursively,
/// as `kubectl apply -f DIR` does).
pub fn read(paths: &[PathBuf]) -> Result<Manifests, ManifestError> {
    let mut files = Vec::new();
    for path in paths {
        if path.is_dir() {
            let entries = std::fs::read_dir(path).map_err(|e| {
                ManifestError::about(format!("reading directory '{}': {e}", path.display()))
            })?;
            let mut found: Vec<PathBuf> = entries
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| is_manifest_file(p))
                .collect();
            found.sort();
            if found.is_empty() {
                return Err(ManifestError::about(format!(
                    "no *.yaml or *.yml files in '{}'{}",
                    path.display(),
                    subdirectory_hint(path)
                )));
            }
            files.extend(found);
        } else {
            files.push(path.clone());
        }
    }
    let mut manifests = Manifests::default();
    for file in files {
        let text = std::fs::read_to_string(&file)
            .map_err(|e| ManifestError::about(format!("reading '{}': {e}", file.display())))?;
        parse_into(&mut manifests, &file, &text)?;
        manifests.files.push(file);
    }
    Ok(manifests)
}

/// Parse one file's text (several documents) into `out`.
pub fn parse_into(out: &mut Manifests, file: &Path, text: &str) -> Result<(), ManifestError> {
    let generic = serde_norway::Deserializer::from_str(text);
    let typed = serde_norway::Deserializer::from_str(text);
    let mut skipped = 0;
    for (index, (doc, typed_doc)) in generic.zip(typed).enumerate() {
        let doc_no = index + 1;
        let value = serde_json::Value::deserialize(doc).map_err(|e| match helm_line(text) {
            Some(line) => helm_error(file, line),
            None => yaml_error(file, &e),
        })?;
        if value.is_null() {
            continue;
        }
        let kind = value
            .get("kind")
            .and_then(|k| k.as_str())
            .map(str::to_string);
        let Some(kind) = kind.filter(|_| value.is_object()) else {
            skipped += 1;
            continue;
        };
        let api = value
            .get("apiVersion")
            .and_then(|a| a.as_str())
            .unwrap_or("");
        if api.starts_with("kustomize.config.k8s.io") {
            out.notes.push(format!(
                "{}: a kustomize {kind}, not a Kubernetes object: skipped (run 'kubectl kustomize' to validate its output)",
                file.display()
            ));
            continue;
        }
        if [
            "/kind",
            "/apiVersion",
            "/metadata/name",
            "/metadata/namespace",
        ]
        .iter()
        .any(|k| {
            value
                .pointer(k)
                .is_some_and(|v| v.to_string().contains("{{"))
        }) && let Some(line) = helm_line(text)
        {
            return Err(helm_error(file, line));
        }
        let items = value.get("items").and_then(|i| i.as_array());
        match items {
            Some(items) if kind.ends_with("List") => {
                for (i, item) in items.iter().enumerate() {
                    let at = At {
                        file,
                        doc: doc_no,
                        item: Some(i + 1),
                    };
                    add_object(out, &at, item, None)?;
                }
            }
            _ => {
                let at = At {
                    file,
                    doc: doc_no,
                    item: None,
                };
                add_object(out, &at, &value, Some(typed_doc))?;
            }
        }
    }
    let dups = std::mem::take(&mut out.duplicates);
    if let Some(first) = dups.first() {
        let more = match dups.len() {
            1 => String::new(),
            2 => format!(" and {}", dups[1]),
            n => format!(" and {} more", n - 1),
        };
        out.notes.push(format!(
            "{}: {first}{more} already read from another file or document: counted once",
            file.display()
        ));
    }
    if skipped > 0 {
        out.notes.push(format!(
            "{}: {} without a 'kind' (not Kubernetes objects, e.g. a values or Chart file): skipped",
            file.display(),
            if skipped == 1 {
                "1 document".to_string()
            } else {
                format!("{skipped} documents")
            }
        ));
    }
    Ok(())
}

/// Where a document (or a List item) was read.
struct At<'a> {
    file: &'a Path,
    doc: usize,
    item: Option<usize>,
}

impl At<'_> {
    fn locate<T>(&self, object: T) -> Located<T> {
        Located {
            file: self.file.to_path_buf(),
            doc: self.doc,
            object,
        }
    }
}

/// Read one object: count its kind, keep it once, and model the kinds the rules read. `typed`
/// is the document's own deserializer (positions in errors); List items are read from `value`.
fn add_object(
    out: &mut Manifests,
    at: &At<'_>,
    value: &serde_json::Value,
    typed: Option<serde_norway::Deserializer<'_>>,
) -> Result<(), ManifestError> {
    let Some(kind) = value.get("kind").and_then(|k| k.as_str()) else {
        out.notes.push(format!(
            "{}: document {} item {}: no 'kind': skipped",
            at.file.display(),
            at.doc,
            at.item.unwrap_or_default()
        ));
        return Ok(());
    };
    let name = value
        .pointer("/metadata/name")
        .and_then(|n| n.as_str())
        .unwrap_or("?");
    let ns = value
        .pointer("/metadata/namespace")
        .and_then(|n| n.as_str())
        .unwrap_or("default");
    let key = (kind.to_string(), ns.to_string(), name.to_string());
    if name != "?" && !out.seen.insert(key) {
        out.duplicates.push(format!("{kind} {ns}/{name}"));
        return Ok(());
    }
    out.documents += 1;
    *out.kinds.entry(kind.to_string()).or_default() += 1;
    let err = |mut e: ManifestError| {
        let item = at
            .item
            .map_or(String::new(), |i| format!(" (List item {i})"));
        e.message = format!("{}{item} ({kind} {name})", e.message);
        e
    };
    match kind {
        "Deployment" | "StatefulSet" => {
            let mut object: Workload = typed_object(at.file, value, typed).map_err(err)?;
            object.kind = kind.to_string();
            out.workloads.push(at.locate(object));
        }
        "HorizontalPodAutoscaler" => {
            let object = typed_object(at.file, value, typed).map_err(err)?;
            out.hpas.push(at.locate(object));
        }
        "PodDisruptionBudget" => {
            let object = typed_object(at.file, value, typed).map_err(err)?;
            out.pdbs.push(at.locate(object));
        }
        "ConfigMap" => {
            let object = typed_object(at.file, value, typed).map_err(err)?;
            out.config_maps.push(at.locate(object));
        }
        "Service" => {
            let object = typed_object(at.file, value, typed).map_err(err)?;
            out.services.push(at.locate(object));
        }
        "ServiceMonitor" | "PodMonitor" => {
            let mut object: Monitor = typed_object(at.file, value, typed).map_err(err)?;
            object.kind = kind.to_string();
            out.monitors.push(at.locate(object));
        }
        "ScaledObject" => {
            let object = typed_object(at.file, value, typed).map_err(err)?;
            out.scaled_objects.push(at.locate(object));
        }
        _ => {}
    }
    Ok(())
}

/// The typed object, from the document's deserializer when there is one (errors carry
/// `file:line:column`), else from the generic value (List items).
fn typed_object<T: serde::de::DeserializeOwned>(
    file: &Path,
    value: &serde_json::Value,
    typed: Option<serde_norway::Deserializer<'_>>,
) -> Result<T, ManifestError> {
    match typed {
        Some(doc) => T::deserialize(doc).map_err(|e| yaml_error(file, &e)),
        None => {
            T::deserialize(value).map_err(|e| ManifestError::at(file, None, None, e.to_string()))
        }
    }
}

/// The first line that uses Helm/Go template syntax (`{{`), outside comments.
fn helm_line(text: &str) -> Option<usize> {
    text.lines()
        .position(|l| {
            let t = l.trim_start();
            !t.starts_with('#') && t.contains("{{")
        })
        .map(|i| i + 1)
}

fn helm_error(file: &Path, line: usize) -> ManifestError {
    ManifestError::at(
        file,
        Some(line),
        None,
        "a Helm template ('{{ … }}'), not YAML until rendered: run 'helm template' and validate its output".to_string(),
    )
}

/// `file:line:column: message` (the message without libyaml's own " at line L column C").
fn yaml_error(file: &Path, e: &serde_norway::Error) -> ManifestError {
    let message = e.to_string();
    match e.location() {
        Some(loc) => {
            let mark = format!(" at line {} column {}", loc.line(), loc.column());
            let message = message.replacen(&mark, "", 1);
            ManifestError::at(file, Some(loc.line()), Some(loc.column()), message)
        }
        None => ManifestError::at(file, None, None, message),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_directory_of_directories_names_them() {
        let dir = tempfile::tempdir().unwrap();
        for sub in ["base", "overlay", "docs"] {
            std::fs::create_dir(dir.path().join(sub)).unwrap();
        }
        std::fs::write(dir.path().join("base/deploy.yaml"), "kind: Deployment\n").unwrap();
        std::fs::write(dir.path().join("overlay/hpa.yml"), "kind: HPA\n").unwrap();
        std::fs::write(dir.path().join("docs/README.md"), "x").unwrap();
        let e = read(&[dir.path().to_path_buf()]).unwrap_err().to_string();
        assert!(e.contains("subdirectories are not read"), "{e}");
        assert!(e.contains("base, overlay hold some"), "{e}");
        assert!(!e.contains("docs"), "{e}");
        let empty = tempfile::tempdir().unwrap();
        let e = read(&[empty.path().to_path_buf()]).unwrap_err().to_string();
        assert!(!e.contains("subdirectories"), "{e}");
    }

    fn parse(text: &str) -> Result<Manifests, ManifestError> {
        let mut m = Manifests::default();
        parse_into(&mut m, Path::new("m/x.yaml"), text)?;
        Ok(m)
    }

    #[test]
    fn reads_several_documents_and_kinds() {
        let m = parse(
            "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n  labels: {version: 1}\n\
             spec:\n  template:\n    spec:\n      containers:\n      - name: web\n        \
             resources:\n          limits: {cpu: 1, memory: 1Gi}\n---\n---\n\
             kind: HorizontalPodAutoscaler\nmetadata: {name: h}\nspec:\n  minReplicas: 2\n  \
             maxReplicas: 5\n---\nkind: Service\nmetadata: {name: s}\n",
        )
        .unwrap();
        assert_eq!(m.documents, 3);
        assert_eq!(m.workloads.len(), 1);
        let w = &m.workloads[0].object;
        assert_eq!(w.kind, "Deployment");
        assert_eq!(w.metadata.labels["version"], "1");
        assert_eq!(
            w.spec.template.spec.containers[0].resources.limits["cpu"],
            "1"
        );
        assert_eq!(m.hpas[0].doc, 3);
        assert_eq!(m.hpas[0].object.spec.min_replicas, Some(2));
        assert_eq!(m.kinds["Service"], 1);
    }

    #[test]
    fn syntax_errors_name_file_line_and_column() {
        let err = parse("kind: Deployment\nmetadata:\n  name: a\n bad: [\n").unwrap_err();
        assert!(err.to_string().starts_with("m/x.yaml:4:"), "{err}");
        assert!(!err.to_string().contains(" at line 4 column"), "{err}");
    }

    #[test]
    fn type_errors_name_the_field_and_object() {
        let err = parse(
            "kind: HorizontalPodAutoscaler\nmetadata: {name: h}\nspec:\n  minReplicas: three\n",
        )
        .unwrap_err();
        assert!(err.to_string().contains("m/x.yaml:4:"), "{err}");
        assert!(err.to_string().contains("spec.minReplicas"), "{err}");
        assert!(
            err.to_string().contains("(HorizontalPodAutoscaler h)"),
            "{err}"
        );
    }

    #[test]
    fn documents_without_kind_are_skipped_with_a_note() {
        let m = parse("a: 1\n---\n- x\n").unwrap();
        assert_eq!(m.documents, 0);
        assert_eq!(
            m.notes,
            [
                "m/x.yaml: 2 documents without a 'kind' (not Kubernetes objects, e.g. a values or Chart file): skipped"
            ]
        );
    }

    #[test]
    fn lists_are_expanded_and_duplicates_counted_once() {
        let m = parse(
            "apiVersion: v1\nkind: List\nitems:\n- kind: Deployment\n  metadata: {name: a}\n\
             - kind: HorizontalPodAutoscaler\n  metadata: {name: h}\n  spec: {minReplicas: 2}\n\
             ---\nkind: DeploymentList\nitems:\n- kind: Deployment\n  metadata: {name: b, namespace: x}\n\
             ---\nkind: Deployment\nmetadata: {name: a}\n",
        )
        .unwrap();
        let names: Vec<String> = m
            .workloads
            .iter()
            .map(|w| w.object.qualified_name())
            .collect();
        assert_eq!(names, ["default/a", "x/b"]);
        assert_eq!(m.hpas[0].object.spec.min_replicas, Some(2));
        assert_eq!(m.documents, 3);
        assert_eq!(m.kinds["Deployment"], 2);
        assert_eq!(
            m.notes,
            [
                "m/x.yaml: Deployment default/a already read from another file or document: counted once"
            ]
        );
        let k = parse("apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources: [a.yaml]\n").unwrap();
        assert_eq!((k.documents, k.notes.len()), (0, 1));
        assert!(
            k.notes[0].contains("a kustomize Kustomization"),
            "{:?}",
            k.notes
        );
        let e = parse("kind: List\nitems:\n- kind: PodDisruptionBudget\n  metadata: {name: p}\n  spec: {minAvailable: lots}\n").unwrap_err();
        assert!(
            e.to_string()
                .contains("(List item 1) (PodDisruptionBudget p)"),
            "{e}"
        );
    }

    #[test]
    fn helm_templates_are_one_line_errors_at_the_template_line() {
        let e = parse("# {{ not this }}\napiVersion: v1\nkind: Service\nmetadata:\n  name: {{ include \"x\" . }}\n")
            .unwrap_err();
        assert!(
            e.to_string().starts_with("m/x.yaml:5: a Helm template"),
            "{e}"
        );
        let at = e.at.as_ref().unwrap();
        assert_eq!(
            (at.file.as_path(), at.line, at.column),
            (Path::new("m/x.yaml"), Some(5), None)
        );
        assert!(e.message.starts_with("a Helm template"), "{e}");
        let e = parse("kind: Service\nmetadata:\n  name: \"{{ .Values.name }}\"\n").unwrap_err();
        assert!(
            e.to_string().starts_with("m/x.yaml:3: a Helm template"),
            "{e}"
        );
        // Templates inside a ConfigMap's data are data, not Helm.
        let m = parse("kind: ConfigMap\nmetadata: {name: c}\ndata:\n  t: |\n    {{ .Alert }}\n")
            .unwrap();
        assert_eq!(m.config_maps.len(), 1);
        assert!(!e.to_string().contains('\n'));
    }

    #[test]
    fn selectors_follow_kubernetes_semantics() {
        let labels: BTreeMap<String, String> = [
            ("app".to_string(), "web".to_string()),
            ("tier".to_string(), "fe".to_string()),
        ]
        .into();
        let sel = |ml: &[(&str, &str)], ex: &[(&str, &str, &[&str])]| LabelSelector {
            match_labels: ml
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
            match_expressions: ex
                .iter()
                .map(|(k, op, vs)| LabelSelectorRequirement {
                    key: k.to_string(),
                    operator: op.to_string(),
                    values: vs.iter().map(|v| v.to_string()).collect(),
                })
                .collect(),
        };
        assert!(sel(&[], &[]).matches(&labels));
        assert!(sel(&[("app", "web")], &[]).matches(&labels));
        assert!(!sel(&[("app", "api")], &[]).matches(&labels));
        assert!(sel(&[], &[("app", "In", &["web", "x"])]).matches(&labels));
        assert!(!sel(&[], &[("app", "NotIn", &["web"])]).matches(&labels));
        assert!(sel(&[], &[("zone", "DoesNotExist", &[])]).matches(&labels));
        assert!(!sel(&[], &[("zone", "Exists", &[])]).matches(&labels));
        assert!(!sel(&[], &[("app", "Bogus", &[])]).matches(&labels));
        assert_eq!(
            sel(&[("app", "web")], &[("z", "Exists", &[])]).to_string(),
            "app=web,z"
        );
    }

    #[test]
    fn quantities_and_percentages() {
        assert_eq!(parse_quantity("200m"), Some(0.2));
        assert_eq!(parse_quantity("1"), Some(1.0));
        assert_eq!(parse_quantity("256Mi"), Some(268435456.0));
        assert_eq!(parse_quantity("1G"), Some(1e9));
        assert_eq!(parse_quantity("1e3"), Some(1000.0));
        assert_eq!(parse_quantity("lots"), None);
        assert_eq!(parse_quantity("1Qi"), None);
        assert_eq!(IntOrPercent::Percent(50).resolve(3), 2);
        assert_eq!(IntOrPercent::Int(2).resolve(3), 2);
        let p: PdbSpec =
            serde_norway::from_str("minAvailable: \"50%\"\nmaxUnavailable: 1").unwrap();
        assert_eq!(p.min_available, Some(IntOrPercent::Percent(50)));
        assert_eq!(p.max_unavailable, Some(IntOrPercent::Int(1)));
        assert!(serde_norway::from_str::<PdbSpec>("minAvailable: half").is_err());
    }
}
