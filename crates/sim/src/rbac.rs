//! The simulator's RBAC: everything is allowed except what a deny rule names, so tests and
//! demos can take one permission away (scenario `[[deny]]` entries, or `Fleet::deny` at
//! runtime). Access reviews answer from the same rules that refuse requests with 403.

use serde::Deserialize;

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

/// The reason an access review gives for a denial.
pub fn review_reason(user: &str, attributes: &Attributes<'_>) -> String {
    let namespace = if attributes.namespace.is_empty() {
        "cluster-wide".to_string()
    } else {
        format!("in namespace \"{}\"", attributes.namespace)
    };
    format!(
        "RBAC: no rule allows User \"{user}\" to {} {} {namespace}",
        attributes.verb,
        attributes.resource_text()
    )
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
    fn messages_name_the_user_verb_and_resource() {
        assert_eq!(
            review_reason("sim-admin", &scale("shop")),
            "RBAC: no rule allows User \"sim-admin\" to patch deployments.apps/scale in namespace \"shop\""
        );
        assert_eq!(
            forbidden_message("sim-admin", &scale("shop")),
            "deployments.apps \"payment\" is forbidden: User \"sim-admin\" cannot patch resource \"deployments/scale\" in API group \"apps\" in the namespace \"shop\""
        );
    }
}
