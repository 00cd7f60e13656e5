//! Imports SLO definitions written for other tools: Sloth `prometheus/v1` specs (and its
//! `PrometheusServiceLevel` CRD), OpenSLO v1 `SLO` objects and Pyrra `ServiceLevelObjective`s.
//! Each document's kind is detected, converted by its own module, and every problem is an
//! [`Issue`] with position and field path.

mod openslo;
mod pyrra;
pub(crate) mod reader;
mod sloth;

use crate::slo::{Period, Sli, SloData, SloSpec, Target, WindowPolicy};
use crate::text::Text;
use crate::yaml::Node;
use reader::{Cur, Reader};

/// Where documents come from, for each SLO's `origin`.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Origin<'a> {
    /// A file, as shown to the user: `slos/api.yaml:3 (Sloth)`.
    File(&'a str),
    /// An object read from a cluster: `cluster us-east-1: Pyrra monitoring/payment`.
    Cluster(&'a str),
}

impl Origin<'_> {
    fn text(self, line: usize, kind: &str, object: &str) -> String {
        match self {
            Origin::File(file) => format!("{file}:{line} ({kind})"),
            Origin::Cluster(cluster) => format!("cluster {cluster}: {kind} {object}"),
        }
    }
}

/// The fields every converter fills in.
struct Draft<'a> {
    name: &'a str,
    service: &'a str,
    description: &'a str,
    target: Target,
    period: Period,
    sli: Sli,
    windows: WindowPolicy,
    data: SloData,
    origin: String,
}

impl Draft<'_> {
    fn build(self) -> SloSpec {
        SloSpec {
            name: Text::new(self.name),
            service: Text::new(self.service),
            description: Text::new(self.description),
            clusters: Vec::new(),
            fleet: false,
            target: self.target,
            period: self.period,
            sli: self.sli,
            windows: self.windows,
            data: self.data,
            origin: Text::new(&self.origin),
        }
    }
}

/// Converts one document; problems go to `r` (and no SLO of a document with problems is
/// returned, so a half-read SLO never reaches the screen).
pub(crate) fn convert(doc: &Node, origin: Origin<'_>, r: &mut Reader) -> Vec<SloSpec> {
    let before = r.count();
    let root = Cur {
        node: doc,
        path: "",
    };
    let text = |key: &str| doc.get(key).and_then(Node::scalar);
    let specs = match (text("version"), text("apiVersion"), text("kind")) {
        (Some("prometheus/v1"), None, _) => sloth::convert(root, origin, r),
        (_, Some("sloth.slok.dev/v1"), Some("PrometheusServiceLevel")) => {
            match r.required_map(root, "spec", "the Sloth spec (service, slos)") {
                Some(spec) => sloth::convert(
                    Cur {
                        node: spec,
                        path: "spec",
                    },
                    origin,
                    r,
                ),
                None => Vec::new(),
            }
        }
        (_, Some("openslo/v1"), Some("SLO")) => openslo::convert(root, origin, r),
        // Services and other OpenSLO objects often share a file with the SLOs.
        (_, Some("openslo/v1"), Some("Service")) => Vec::new(),
        (_, Some("pyrra.dev/v1alpha1"), Some("ServiceLevelObjective")) => {
            pyrra::convert(root, origin, r)
        }
        (version, api, kind) => {
            let found = match (version, api) {
                (Some(v), None) => format!("version {v}"),
                (_, a) => format!("apiVersion {}", a.unwrap_or("(none)")),
            };
            let message = format!(
                "not a Sloth, OpenSLO or Pyrra SLO: {found} kind {} (expected Sloth `version: prometheus/v1`, `apiVersion: openslo/v1` kind SLO or `apiVersion: pyrra.dev/v1alpha1` kind ServiceLevelObjective)",
                kind.unwrap_or("(none)")
            );
            r.report(doc, "", message);
            Vec::new()
        }
    };
    if r.count() == before {
        specs
    } else {
        Vec::new()
    }
}

/// A Pyrra object read from a cluster (JSON), converted with the file import's code.
pub(crate) fn pyrra_object(
    object: &serde_json::Value,
    cluster: &str,
) -> Result<Vec<SloSpec>, Vec<reader::Issue>> {
    let node = Node::from_json(object);
    let mut r = Reader::default();
    let specs = pyrra::convert(
        Cur {
            node: &node,
            path: "",
        },
        Origin::Cluster(cluster),
        &mut r,
    );
    if r.issues.is_empty() {
        Ok(specs)
    } else {
        Err(r.issues)
    }
}

/// `sum(rate(<selector>[$window]))`.
fn rate_of(selector: &str) -> String {
    format!("sum(rate({}[$window]))", selector.trim())
}

#[cfg(test)]
mod tests;
