//! Printers for namespaces, nodes, services, events, the CNPG `Cluster` custom resource (its
//! CRD's additionalPrinterColumns) and the API server's default Name/Created At table.

use serde_json::{Value, json};

use super::{AGE, Column, NAME, NAME_DESC, Row, age, name, parse_time_ms, since};

pub(crate) const NAMESPACE_COLUMNS: &[Column] = &[
    NAME,
    Column::new("Status", "string", "The status of the namespace"),
    AGE,
];

pub(crate) const NODE_COLUMNS: &[Column] = &[
    NAME,
    Column::new("Status", "string", "The status of the node"),
    Column::new("Roles", "string", "The roles of the node"),
    AGE,
    Column::new("Version", "string", "Kubelet Version reported by the node."),
    Column::new("Internal-IP", "string", NODE_ADDRESSES_DESC).wide(),
    Column::new("External-IP", "string", NODE_ADDRESSES_DESC).wide(),
    Column::new("OS-Image", "string", "OS Image reported by the node from /etc/os-release (e.g. Debian GNU/Linux 7 (wheezy)).").wide(),
    Column::new("Kernel-Version", "string", "Kernel Version reported by the node from 'uname -r' (e.g. 3.16.0-0.bpo.4-amd64).").wide(),
    Column::new("Container-Runtime", "string", "ContainerRuntime Version reported by the node through runtime remote API (e.g. containerd://1.4.2).").wide(),
];

const NODE_ADDRESSES_DESC: &str = "List of addresses reachable to the node. Queried from cloud provider, if available. More info: https://kubernetes.io/docs/reference/node/node-status/#addresses Note: This field is declared as mergeable, but the merge key is not sufficiently unique, which can cause data corruption when it is merged. Callers should instead use a full-replacement patch. See https://pr.k8s.io/79391 for an example. Consumers should assume that addresses can change during the lifetime of a Node. However, there are some exceptions where this may not be possible, such as Pods that inherit a Node's address in its own status or consumers of the downward API (status.hostIP).";

pub(crate) const SERVICE_COLUMNS: &[Column] = &[
    NAME,
    Column::new("Type", "string", "type determines how the Service is exposed. Defaults to ClusterIP. Valid options are ExternalName, ClusterIP, NodePort, and LoadBalancer. \"ClusterIP\" allocates a cluster-internal IP address for load-balancing to endpoints. Endpoints are determined by the selector or if that is not specified, by manual construction of an Endpoints object or EndpointSlice objects. If clusterIP is \"None\", no virtual IP is allocated and the endpoints are published as a set of endpoints rather than a virtual IP. \"NodePort\" builds on ClusterIP and allocates a port on every node which routes to the same endpoints as the clusterIP. \"LoadBalancer\" builds on NodePort and creates an external load-balancer (if supported in the current cloud) which routes to the same endpoints as the clusterIP. \"ExternalName\" aliases this service to the specified externalName. Several other fields do not apply to ExternalName services. More info: https://kubernetes.io/docs/concepts/services-networking/service/#publishing-services-service-types"),
    Column::new("Cluster-IP", "string", "clusterIP is the IP address of the service and is usually assigned randomly. If an address is specified manually, is in-range (as per system configuration), and is not in use, it will be allocated to the service; otherwise creation of the service will fail. This field may not be changed through updates unless the type field is also being changed to ExternalName (which requires this field to be blank) or the type field is being changed from ExternalName (in which case this field may optionally be specified, as describe above).  Valid values are \"None\", empty string (\"\"), or a valid IP address. Setting this to \"None\" makes a \"headless service\" (no virtual IP), which is useful when direct endpoint connections are preferred and proxying is not required.  Only applies to types ClusterIP, NodePort, and LoadBalancer. If this field is specified when creating a Service of type ExternalName, creation will fail. This field will be wiped when updating a Service to type ExternalName. More info: https://kubernetes.io/docs/concepts/services-networking/service/#virtual-ips-and-service-proxies"),
    Column::new("External-IP", "string", "externalIPs is a list of IP addresses for which nodes in the cluster will also accept traffic for this service.  These IPs are not managed by Kubernetes.  The user is responsible for ensuring that traffic arrives at a node with this IP.  A common example is external load-balancers that are not part of the Kubernetes system."),
    Column::new("Port(s)", "string", "The list of ports that are exposed by this service. More info: https://kubernetes.io/docs/concepts/services-networking/service/#virtual-ips-and-service-proxies"),
    AGE,
    Column::new("Selector", "string", "Route service traffic to pods with label keys and values matching this selector. If empty or not present, the service is assumed to have an external process managing its endpoints, which Kubernetes will not modify. Only applies to types ClusterIP, NodePort, and LoadBalancer. Ignored if type is ExternalName. More info: https://kubernetes.io/docs/concepts/services-networking/service/").wide(),
];

/// `kubectl get events` shows the priority-0 columns: LAST SEEN, TYPE, REASON, OBJECT, MESSAGE.
pub(crate) const EVENT_COLUMNS: &[Column] = &[
    Column::new("Last Seen", "string", "The time at which the most recent occurrence of this event was recorded."),
    Column::new("Type", "string", "Type of this event (Normal, Warning), new types could be added in the future"),
    Column::new("Reason", "string", "This should be a short, machine understandable string that gives the reason for the transition into the object's current status."),
    Column::new("Object", "string", "The object that this event is about."),
    Column::new("Subobject", "string", "If referring to a piece of an object instead of an entire object, this string should contain a valid JSON/Go field access statement, such as desiredState.manifest.containers[2]. For example, if the object reference is to a container within a pod, this would take on a value like: \"spec.containers{name}\" (where \"name\" refers to the name of the container that triggered the event) or if no container name is specified \"spec.containers[2]\" (container with index 2 in this pod). This syntax is chosen only to have some well-defined way of referencing a part of an object.").wide(),
    Column::new("Source", "string", "The component reporting this event. Should be a short machine understandable string.").wide(),
    Column::new("Message", "string", "A human-readable description of the status of this operation."),
    Column::new("First Seen", "string", "The time at which the event was first recorded. (Time of server receipt is in TypeMeta.)").wide(),
    Column::new("Count", "string", "The number of times this event has occurred.").wide(),
    Column::new("Name", "string", NAME_DESC).wide().format("name"),
];

/// The CRD's additionalPrinterColumns, after the implicit Name column.
pub(crate) const CNPG_COLUMNS: &[Column] = &[
    NAME,
    Column::new(
        "Age",
        "date",
        "Custom resource definition column (in JSONPath format): .metadata.creationTimestamp",
    ),
    Column::new("Instances", "integer", "Number of instances"),
    Column::new("Ready", "integer", "Number of ready instances"),
    Column::new("Status", "string", "Cluster current status"),
    Column::new("Primary", "string", "Primary pod"),
];

/// `rest.NewDefaultTableConvertor`, for types without a printer.
pub(crate) const DEFAULT_COLUMNS: &[Column] = &[
    NAME,
    Column::new(
        "Created At",
        "date",
        "CreationTimestamp is a timestamp representing the server time when this object was created. It is not guaranteed to be set in happens-before order across separate operations. Clients may not set this value. It is represented in RFC3339 form and is in UTC.\n\nPopulated by the system. Read-only. Null for lists. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata",
    ),
];

fn str_at<'a>(v: &'a Value, pointer: &str) -> &'a str {
    v.pointer(pointer)
        .and_then(Value::as_str)
        .unwrap_or_default()
}

fn list<'a>(v: &'a Value, pointer: &str) -> &'a [Value] {
    v.pointer(pointer)
        .and_then(Value::as_array)
        .map(Vec::as_slice)
        .unwrap_or_default()
}

fn or(value: &str, fallback: &str) -> Value {
    json!(if value.is_empty() { fallback } else { value })
}

pub(crate) fn namespace_row(obj: &Value, now_ms: i64) -> Row {
    Row::from(vec![
        name(obj),
        json!(str_at(obj, "/status/phase")),
        json!(age(obj, now_ms)),
    ])
}

pub(crate) fn node_row(obj: &Value, now_ms: i64) -> Row {
    let mut status: Vec<String> = list(obj, "/status/conditions")
        .iter()
        .filter(|c| str_at(c, "/type") == "Ready")
        .take(1)
        .map(|c| {
            if str_at(c, "/status") == "True" {
                "Ready"
            } else {
                "NotReady"
            }
            .to_string()
        })
        .collect();
    if status.is_empty() {
        status.push("Unknown".to_string());
    }
    if obj.pointer("/spec/unschedulable").and_then(Value::as_bool) == Some(true) {
        status.push("SchedulingDisabled".to_string());
    }
    let mut roles: Vec<String> = Vec::new();
    for (k, v) in obj
        .pointer("/metadata/labels")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
    {
        let role = match k.strip_prefix("node-role.kubernetes.io/") {
            Some(role) => role,
            None if k == "kubernetes.io/role" => v.as_str().unwrap_or_default(),
            None => "",
        };
        if !role.is_empty() && !roles.iter().any(|r| r == role) {
            roles.push(role.to_string());
        }
    }
    roles.sort();
    let address = |ty: &str| {
        list(obj, "/status/addresses")
            .iter()
            .find(|a| str_at(a, "/type") == ty)
            .map(|a| str_at(a, "/address"))
            .unwrap_or("<none>")
            .to_string()
    };
    Row::from(vec![
        name(obj),
        json!(status.join(",")),
        or(&roles.join(","), "<none>"),
        json!(age(obj, now_ms)),
        json!(str_at(obj, "/status/nodeInfo/kubeletVersion")),
        json!(address("InternalIP")),
        json!(address("ExternalIP")),
        or(str_at(obj, "/status/nodeInfo/osImage"), "<unknown>"),
        or(str_at(obj, "/status/nodeInfo/kernelVersion"), "<unknown>"),
        or(
            str_at(obj, "/status/nodeInfo/containerRuntimeVersion"),
            "<unknown>",
        ),
    ])
}

fn external_ip(svc: &Value) -> String {
    let external: Vec<&str> = list(svc, "/spec/externalIPs")
        .iter()
        .filter_map(Value::as_str)
        .collect();
    match str_at(svc, "/spec/type") {
        "ClusterIP" | "NodePort" if external.is_empty() => "<none>".to_string(),
        "ClusterIP" | "NodePort" => external.join(","),
        "LoadBalancer" => {
            let mut ips: Vec<&str> = Vec::new();
            for ingress in list(svc, "/status/loadBalancer/ingress") {
                let ip = match str_at(ingress, "/ip") {
                    "" => str_at(ingress, "/hostname"),
                    ip => ip,
                };
                if !ip.is_empty() && !ips.contains(&ip) {
                    ips.push(ip);
                }
            }
            ips.extend(external);
            if ips.is_empty() {
                "<pending>".to_string()
            } else {
                ips.join(",")
            }
        }
        "ExternalName" => str_at(svc, "/spec/externalName").to_string(),
        _ => "<unknown>".to_string(),
    }
}

pub(crate) fn service_row(obj: &Value, now_ms: i64) -> Row {
    let ports: Vec<String> = list(obj, "/spec/ports")
        .iter()
        .map(|p| {
            let port = p.get("port").and_then(Value::as_i64).unwrap_or(0);
            let protocol = p.get("protocol").and_then(Value::as_str).unwrap_or("TCP");
            match p.get("nodePort").and_then(Value::as_i64).filter(|n| *n > 0) {
                Some(node_port) => format!("{port}:{node_port}/{protocol}"),
                None => format!("{port}/{protocol}"),
            }
        })
        .collect();
    let mut selector: Vec<String> = obj
        .pointer("/spec/selector")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
        .map(|(k, v)| format!("{k}={}", v.as_str().unwrap_or_default()))
        .collect();
    selector.sort();
    Row::from(vec![
        name(obj),
        json!(str_at(obj, "/spec/type")),
        or(str_at(obj, "/spec/clusterIPs/0"), "<none>"),
        json!(external_ip(obj)),
        or(&ports.join(","), "<none>"),
        json!(age(obj, now_ms)),
        or(&selector.join(","), "<none>"),
    ])
}

fn first_non_empty<'a>(a: &'a str, b: &'a str) -> &'a str {
    if a.is_empty() { b } else { a }
}

pub(crate) fn event_row(obj: &Value, now_ms: i64) -> Row {
    let first_seen = if parse_time_ms(obj.get("firstTimestamp")).is_some() {
        since(obj.get("firstTimestamp"), now_ms)
    } else {
        since(obj.get("eventTime"), now_ms)
    };
    let mut last_seen = if parse_time_ms(obj.get("lastTimestamp")).is_some() {
        since(obj.get("lastTimestamp"), now_ms)
    } else {
        first_seen.clone()
    };
    let mut count = obj.get("count").and_then(Value::as_i64).unwrap_or(0);
    if let Some(series) = obj.get("series").filter(|s| s.is_object()) {
        last_seen = since(series.get("lastObservedTime"), now_ms);
        count = series.get("count").and_then(Value::as_i64).unwrap_or(0);
    } else if count == 0 {
        count = 1;
    }
    let kind = str_at(obj, "/involvedObject/kind").to_lowercase();
    let target = match str_at(obj, "/involvedObject/name") {
        "" => kind,
        n => format!("{kind}/{n}"),
    };
    let component = first_non_empty(
        str_at(obj, "/source/component"),
        str_at(obj, "/reportingComponent"),
    );
    let instance = first_non_empty(
        str_at(obj, "/source/host"),
        str_at(obj, "/reportingInstance"),
    );
    let source = if instance.is_empty() {
        component.to_string()
    } else {
        format!("{component}, {instance}")
    };
    Row::from(vec![
        json!(last_seen),
        json!(str_at(obj, "/type")),
        json!(str_at(obj, "/reason")),
        json!(target),
        json!(str_at(obj, "/involvedObject/fieldPath")),
        json!(source),
        json!(str_at(obj, "/message").trim()),
        json!(first_seen),
        json!(count),
        name(obj),
    ])
}

/// CRD cells: `date` columns become HumanDuration, typed columns keep their JSON type, and a
/// missing field is `null`.
pub(crate) fn cnpg_row(obj: &Value, now_ms: i64) -> Row {
    let age = match obj.pointer("/metadata/creationTimestamp") {
        Some(Value::String(_)) => match parse_time_ms(obj.pointer("/metadata/creationTimestamp")) {
            Some(_) => json!(since(obj.pointer("/metadata/creationTimestamp"), now_ms)),
            None => json!("<invalid>"),
        },
        _ => Value::Null,
    };
    let integer = |p: &str| match obj.pointer(p) {
        Some(Value::Number(n)) => n
            .as_i64()
            .or_else(|| n.as_f64().map(|f| f as i64))
            .map_or(Value::Null, |i| json!(i)),
        _ => Value::Null,
    };
    let string = |p: &str| match obj.pointer(p) {
        Some(Value::String(s)) => json!(s),
        Some(Value::Null) | None => Value::Null,
        Some(other) => json!(other.to_string()),
    };
    Row::from(vec![
        name(obj),
        age,
        integer("/status/instances"),
        integer("/status/readyInstances"),
        string("/status/phase"),
        string("/status/currentPrimary"),
    ])
}

pub(crate) fn default_row(obj: &Value, _now_ms: i64) -> Row {
    Row::from(vec![
        name(obj),
        json!(str_at(obj, "/metadata/creationTimestamp")),
    ])
}
