//! The simulator's authentication and RBAC: three identities known by bearer token (or by
//! the `/sim-as/USER` prefix of their kubeconfig server URL), each allowed what its role
//! grants on a real control plane (tests/k8s: sim-admin everything, viewer the `view` role,
//! shop-dev a Role in shop), minus what a deny rule names, so tests and demos can take one
//! permission away (scenario `[[deny]]` entries, or `Fleet::deny` at runtime). Access
//! reviews answer from the same decision that refuses requests with 403.

use serde::Deserialize;

/// Who a client is: the simulated clusters know the three identities k8s-up gives a real
/// control plane (tests/k8s), each by its bearer token in the kubeconfig the simulator
/// writes.
#[derive(Debug, PartialEq, Eq)]
pub struct Identity {
    pub user: &'static str,
    pub token: &'static str,
    /// The kubeconfig context of cluster NAME for this identity is NAME + suffix.
    pub context_suffix: &'static str,
    pub groups: &'static [&'static str],
    pub access: Access,
    /// What an access review says when the identity's binding allows a request (RBAC's
    /// wording; `system:masters` are allowed before RBAC, without a reason).
    pub allowed_reason: &'static str,
}

/// What an identity may do before any deny rule takes something away.
#[derive(Debug, PartialEq, Eq)]
pub enum Access {
    /// `system:masters`: everything.
    All,
    /// The built-in `view` ClusterRole, bound cluster-wide: read everything served.
    View,
    /// A Role in one namespace (fixtures/k8s/00-access.yaml's `shop-operator`).
    Namespace {
        namespace: &'static str,
        rules: &'static [Rule],
    },
}

/// One rule of a Role: verbs on resources (`deployments/scale` names a subresource) of
/// API groups.
#[derive(Debug, PartialEq, Eq)]
pub struct Rule {
    pub groups: &'static [&'static str],
    pub resources: &'static [&'static str],
    pub verbs: &'static [&'static str],
}

const READ: &[&str] = &["get", "list", "watch"];

/// sim-admin (the default context), viewer (`-view`) and shop-dev (`-shop`).
pub static IDENTITIES: [Identity; 3] = [
    Identity {
        user: "sim-admin",
        token: "watchdeck-simulator",
        context_suffix: "",
        groups: &["system:masters", "system:authenticated"],
        access: Access::All,
        allowed_reason: "",
    },
    Identity {
        user: "viewer",
        token: "watchdeck-simulator-viewer",
        context_suffix: "-view",
        groups: &["system:authenticated"],
        access: Access::View,
        allowed_reason: "RBAC: allowed by ClusterRoleBinding \"watchdeck-viewer\" of ClusterRole \"view\" to User \"viewer\"",
    },
    Identity {
        user: "shop-dev",
        token: "watchdeck-simulator-shop-dev",
        context_suffix: "-shop",
        groups: &["system:authenticated"],
        access: Access::Namespace {
            namespace: "shop",
            rules: &[
                Rule {
                    groups: &[""],
                    resources: &["pods", "pods/log", "events", "services", "endpoints"],
                    verbs: READ,
                },
                Rule {
                    groups: &["events.k8s.io"],
                    resources: &["events"],
                    verbs: READ,
                },
                Rule {
                    groups: &["apps"],
                    resources: &["deployments", "replicasets", "statefulsets"],
                    verbs: &["get", "list", "watch", "patch", "update"],
                },
                Rule {
                    groups: &["apps"],
                    resources: &["deployments/scale", "statefulsets/scale"],
                    verbs: &["get", "patch", "update"],
                },
            ],
        },
        allowed_reason: "RBAC: allowed by RoleBinding \"shop-operator/shop\" of Role \"shop-operator\" to User \"shop-dev\"",
    },
];

/// The identity a bearer token names.
pub fn identity_of_token(token: &str) -> Option<&'static Identity> {
    IDENTITIES.iter().find(|i| i.token == token)
}

/// The identity requests without credentials are served as (see README, known
/// differences: a real API server treats them as `system:anonymous`).
pub fn default_identity() -> &'static Identity {
    &IDENTITIES[0]
}

/// An access decision: allowed or not, and the reason an access review gives (the API
/// server gives none for a denial, nor for `system:masters`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decision {
    pub allowed: bool,
    pub reason: String,
}

impl Identity {
    /// Whether `attributes` is allowed in `cluster`: the identity's roles grant it and no
    /// deny rule takes it away.
    pub fn decide(
        &self,
        rules: &[DenyRule],
        cluster: &str,
        attributes: &Attributes<'_>,
    ) -> Decision {
        let basic = is_basic_user(attributes);
        if !(basic || self.allows(attributes)) || denied(rules, cluster, attributes).is_some() {
            return Decision {
                allowed: false,
                reason: String::new(),
            };
        }
        let reason = if self.access == Access::All {
            ""
        } else if basic {
            "RBAC: allowed by ClusterRoleBinding \"system:basic-user\" of ClusterRole \"system:basic-user\" to Group \"system:authenticated\""
        } else {
            self.allowed_reason
        };
        Decision {
            allowed: true,
            reason: reason.to_string(),
        }
    }

    /// Whether the identity's roles grant `attributes` (deny rules aside).
    pub fn allows(&self, attributes: &Attributes<'_>) -> bool {
        match &self.access {
            Access::All => true,
            Access::View => {
                matches!(attributes.verb, "get" | "list" | "watch")
                    && attributes.resource != "secrets"
                    // The view role reads a few subresources (status, scale, log), no proxy.
                    && matches!(attributes.subresource, "" | "status" | "scale" | "log")
                    // Custom resources join `view` only through an aggregated ClusterRole,
                    // which neither CNPG's nor Pyrra's CRD installs here.
                    && !matches!(attributes.group, "postgresql.cnpg.io" | "pyrra.dev")
            }
            Access::Namespace { namespace, rules } => {
                let resource = if attributes.subresource.is_empty() {
                    attributes.resource.to_string()
                } else {
                    format!("{}/{}", attributes.resource, attributes.subresource)
                };
                attributes.namespace == *namespace
                    && rules.iter().any(|rule| {
                        rule.groups.contains(&attributes.group)
                            && rule.resources.contains(&resource.as_str())
                            && rule.verbs.contains(&attributes.verb)
                    })
            }
        }
    }
}

/// What every authenticated user may do (the `system:basic-user` ClusterRole): review its
/// own access.
fn is_basic_user(attributes: &Attributes<'_>) -> bool {
    attributes.verb == "create"
        && matches!(
            (attributes.group, attributes.resource),
            ("authorization.k8s.io", "selfsubjectaccessreviews")
                | ("authentication.k8s.io", "selfsubjectreviews")
        )
}

/// One permission taken away; every field left out matches anything.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DenyRule {
    #[serde(default)]
    pub cluster: Option<String>,
    #[serde(default)]
    pub verb: Option<String>,
    /// The API group (`apps`, `postgresql.cnpg.io`; empty for the core group).
    #[serde(default)]
    pub group: Option<String>,
    /// The plural resource (`deployments`).
    #[serde(default)]
    pub resource: Option<String>,
    /// `scale`, `status`; an empty string matches only requests without a subresource.
    #[serde(default)]
    pub subresource: Option<String>,
    #[serde(default)]
    pub namespace: Option<String>,
    #[serde(default)]
    pub name: Option<String>,
}

/// What a request (or an access review) asks to do.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Attributes<'a> {
    pub verb: &'a str,
    pub group: &'a str,
    pub resource: &'a str,
    pub subresource: &'a str,
    pub namespace: &'a str,
    pub name: &'a str,
}

impl Attributes<'_> {
    /// `deployments.apps/scale`, as RBAC messages name a resource.
    pub fn resource_text(&self) -> String {
        let mut text = self.resource.to_string();
        if !self.group.is_empty() {
            text.push('.');
            text.push_str(self.group);
        }
        if !self.subresource.is_empty() {
            text.push('/');
            text.push_str(self.subresource);
        }
        text
    }
}

impl DenyRule {
    pub fn matches(&self, cluster: &str, attributes: &Attributes<'_>) -> bool {
        let field = |rule: &Option<String>, value: &str| rule.as_deref().is_none_or(|r| r == value);
        field(&self.cluster, cluster)
            && field(&self.verb, attributes.verb)
            && field(&self.group, attributes.group)
            && field(&self.resource, attributes.resource)
            && field(&self.subresource, attributes.subresource)
            && field(&self.namespace, attributes.namespace)
            // A rule for one object also covers the object's list and watch, as a rule with
            // `resourceNames` does not grant them.
            && (attributes.name.is_empty() || field(&self.name, attributes.name))
    }
}

/// The first rule that denies `attributes` in `cluster`.
pub fn denied<'r>(
    rules: &'r [DenyRule],
    cluster: &str,
    attributes: &Attributes<'_>,
) -> Option<&'r DenyRule> {
    rules.iter().find(|rule| rule.matches(cluster, attributes))
}

/// The message of the 403 a denied request gets, worded as the API server words it.
pub fn forbidden_message(user: &str, attributes: &Attributes<'_>) -> String {
    let what = if attributes.subresource.is_empty() {
        attributes.resource.to_string()
    } else {
        format!("{}/{}", attributes.resource, attributes.subresource)
    };
    let object = if attributes.name.is_empty() {
        attributes.resource_text_plain()
    } else {
        format!(
            "{} \"{}\"",
            attributes.resource_text_plain(),
            attributes.name
        )
    };
    let scope = if attributes.namespace.is_empty() {
        "at the cluster scope".to_string()
    } else {
        format!("in the namespace \"{}\"", attributes.namespace)
    };
    format!(
        "{object} is forbidden: User \"{user}\" cannot {} resource \"{what}\" in API group \"{}\" {scope}",
        attributes.verb, attributes.group
    )
}

impl Attributes<'_> {
    fn resource_text_plain(&self) -> String {
        if self.group.is_empty() {
            self.resource.to_string()
        } else {
            format!("{}.{}", self.resource, self.group)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scale<'a>(namespace: &'a str) -> Attributes<'a> {
        Attributes {
            verb: "patch",
            group: "apps",
            resource: "deployments",
            subresource: "scale",
            namespace,
            name: "payment",
        }
    }

    #[test]
    fn missing_fields_are_wildcards() {
        let rule = DenyRule {
            cluster: Some("us-east-1".into()),
            verb: Some("patch".into()),
            resource: Some("deployments".into()),
            subresource: Some("scale".into()),
            namespace: Some("shop".into()),
            ..DenyRule::default()
        };
        assert!(rule.matches("us-east-1", &scale("shop")));
        assert!(!rule.matches("eu-west-1", &scale("shop")));
        assert!(!rule.matches("us-east-1", &scale("database")));
        let whole_object = Attributes {
            subresource: "",
            ..scale("shop")
        };
        assert!(!rule.matches("us-east-1", &whole_object));
        let any_subresource = DenyRule {
            subresource: None,
            ..rule
        };
        assert!(any_subresource.matches("us-east-1", &whole_object));
    }

    #[test]
    fn identities_are_allowed_what_their_roles_grant_and_deny_rules_leave() {
        let [admin, viewer, shop_dev] = &IDENTITIES;
        let none: &[DenyRule] = &[];
        let get = Attributes {
            verb: "get",
            subresource: "",
            ..scale("shop")
        };
        let decide = |who: &Identity, rules: &[DenyRule], attributes: &Attributes<'_>| {
            who.decide(rules, "us-east-1", attributes)
        };
        assert_eq!(
            decide(admin, none, &scale("shop")),
            Decision {
                allowed: true,
                reason: String::new()
            }
        );
        assert!(!decide(viewer, none, &scale("shop")).allowed);
        assert_eq!(
            decide(viewer, none, &get).reason,
            "RBAC: allowed by ClusterRoleBinding \"watchdeck-viewer\" of ClusterRole \"view\" to User \"viewer\""
        );
        assert!(decide(shop_dev, none, &scale("shop")).allowed);
        assert!(!decide(shop_dev, none, &scale("database")).allowed);
        let review = Attributes {
            verb: "create",
            group: "authorization.k8s.io",
            resource: "selfsubjectaccessreviews",
            ..Attributes::default()
        };
        assert!(decide(viewer, none, &review).allowed);
        // A deny rule takes a permission away from anyone, and a denial has no reason.
        let rule = DenyRule {
            verb: Some("patch".into()),
            ..DenyRule::default()
        };
        assert_eq!(
            decide(admin, std::slice::from_ref(&rule), &scale("shop")),
            Decision {
                allowed: false,
                reason: String::new()
            }
        );
        assert!(decide(admin, &[rule], &get).allowed);
    }

    #[test]
    fn messages_name_the_user_verb_and_resource() {
        assert_eq!(
            forbidden_message("sim-admin", &scale("shop")),
            "deployments.apps \"payment\" is forbidden: User \"sim-admin\" cannot patch resource \"deployments/scale\" in API group \"apps\" in the namespace \"shop\""
        );
    }
}
