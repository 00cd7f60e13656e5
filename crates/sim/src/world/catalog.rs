//! The simulated fleet's fixed layout: regions, services and their normal behaviour.

/// One simulated Kubernetes cluster.
#[derive(Debug, Clone, PartialEq)]
pub struct ClusterSpec {
    pub name: &'static str,
    pub region: &'static str,
    /// primary, secondary or tertiary: the disaster-recovery role of the region.
    pub role: &'static str,
    pub env: &'static str,
    /// Share of the fleet's traffic this region normally serves.
    pub traffic_weight: f64,
}

pub const CLUSTERS: &[ClusterSpec] = &[
    ClusterSpec {
        name: "us-east-1",
        region: "us-east-1",
        role: "primary",
        env: "prod",
        traffic_weight: 1.0,
    },
    ClusterSpec {
        name: "eu-west-1",
        region: "eu-west-1",
        role: "secondary",
        env: "prod",
        traffic_weight: 0.6,
    },
    ClusterSpec {
        name: "ap-southeast-1",
        region: "ap-southeast-1",
        role: "tertiary",
        env: "prod",
        traffic_weight: 0.35,
    },
];

/// Namespace of the application services.
pub const APP_NAMESPACE: &str = "shop";
/// Namespace of the PostgreSQL cluster.
pub const DB_NAMESPACE: &str = "database";
pub const DB_CLUSTER: &str = "orders-db";
pub const DB_MAX_CONNECTIONS: f64 = 200.0;

/// A service's normal behaviour, before scenarios and load change it.
#[derive(Debug, Clone, PartialEq)]
pub struct ServiceSpec {
    pub name: &'static str,
    pub replicas: i32,
    /// Requests per second offered in a region of weight 1.
    pub base_rps: f64,
    /// Requests per second one ready pod can serve; normal load in the primary region is
    /// about 45% of it, so a region that takes over another's traffic saturates.
    pub capacity_per_pod: f64,
    pub latency_ms: f64,
    /// Spread of the log-normal latency distribution.
    pub latency_sigma: f64,
    pub error_ratio: f64,
    pub needs_database: bool,
    /// Image versions, oldest first; the last is running. Each is one ReplicaSet revision.
    pub versions: &'static [&'static str],
    pub port: i32,
}

pub const SERVICES: &[ServiceSpec] = &[
    ServiceSpec {
        name: "api-gateway",
        replicas: 4,
        base_rps: 600.0,
        capacity_per_pod: 333.0,
        latency_ms: 22.0,
        latency_sigma: 0.45,
        // 0.001%: a tenth of the 99.99% availability SLO's budget, so a steady fleet keeps
        // most of it (0.04% would burn it at 4x and exhaust it in a week).
        error_ratio: 0.000_01,
        needs_database: false,
        versions: &["v2.2.9", "v2.3.0", "v2.3.1"],
        port: 8080,
    },
    ServiceSpec {
        name: "auth",
        replicas: 3,
        base_rps: 300.0,
        capacity_per_pod: 222.0,
        latency_ms: 14.0,
        latency_sigma: 0.4,
        error_ratio: 0.0003,
        needs_database: true,
        versions: &["v1.8.4", "v1.9.0"],
        port: 8080,
    },
    ServiceSpec {
        name: "user",
        replicas: 3,
        base_rps: 200.0,
        capacity_per_pod: 148.0,
        latency_ms: 28.0,
        latency_sigma: 0.45,
        error_ratio: 0.0004,
        needs_database: true,
        versions: &["v3.0.2", "v3.1.0", "v3.1.4"],
        port: 8080,
    },
    ServiceSpec {
        name: "order",
        replicas: 4,
        base_rps: 120.0,
        capacity_per_pod: 67.0,
        latency_ms: 55.0,
        latency_sigma: 0.5,
        error_ratio: 0.0005,
        needs_database: true,
        versions: &["v2.0.5", "v2.0.6", "v2.0.7"],
        port: 8080,
    },
    ServiceSpec {
        name: "payment",
        replicas: 3,
        base_rps: 80.0,
        capacity_per_pod: 59.0,
        latency_ms: 70.0,
        latency_sigma: 0.5,
        // 0.02%: a fifth of the 99.9% SLO's budget; with the history's past incident
        // (crates/sim/src/slos/mod.rs) payment in us-east-1 has spent about a third of it.
        error_ratio: 0.0002,
        needs_database: true,
        versions: &["v1.3.9", "v1.4.0", "v1.4.1"],
        port: 8080,
    },
    ServiceSpec {
        name: "notification",
        replicas: 3,
        base_rps: 150.0,
        capacity_per_pod: 111.0,
        latency_ms: 18.0,
        latency_sigma: 0.4,
        error_ratio: 0.0006,
        needs_database: false,
        versions: &["v1.2.2", "v1.2.3"],
        port: 8080,
    },
    ServiceSpec {
        name: "analytics",
        replicas: 3,
        base_rps: 50.0,
        capacity_per_pod: 37.0,
        latency_ms: 110.0,
        latency_sigma: 0.6,
        error_ratio: 0.0008,
        needs_database: false,
        versions: &["v0.9.11", "v0.9.12"],
        port: 8080,
    },
];

pub fn service(name: &str) -> Option<&'static ServiceSpec> {
    SERVICES.iter().find(|s| s.name == name)
}

pub fn image(service: &str, version: &str) -> String {
    format!("registry.example.com/shop/{service}:{version}")
}

/// The version part of an image reference (`...:v1.4.2` gives `v1.4.2`).
pub fn version_of(image: &str) -> &str {
    image.rsplit_once(':').map_or("latest", |(_, tag)| tag)
}

/// Node names per cluster, as EKS names them.
pub fn nodes(cluster_index: usize, region: &str) -> Vec<String> {
    (0..5)
        .map(|i| {
            format!(
                "ip-10-{}-{}-{}.{region}.compute.internal",
                cluster_index,
                16 + i * 16,
                40 + i * 7
            )
        })
        .collect()
}

/// Histogram bucket bounds: Prometheus client defaults plus 0.2, so that the design's
/// "p95 under 200 ms" objective is measured at a bucket bound rather than interpolated.
pub const LATENCY_BUCKETS: &[f64] = &[
    0.005, 0.01, 0.025, 0.05, 0.1, 0.2, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
];
