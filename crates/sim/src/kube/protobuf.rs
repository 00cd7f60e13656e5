//! Just enough of the Kubernetes protobuf encoding to read the access reviews kubectl sends
//! as protobuf (`kubectl auth can-i`, `kubectl auth whoami`): the `k8s\0` envelope around a
//! `runtime.Unknown`, and the review messages, turned into their JSON form.

use serde_json::{Map, Value, json};

const MAGIC: &[u8] = b"k8s\x00";

/// One field of a protobuf message: its number and, for length-delimited fields, its bytes.
struct Field<'a> {
    number: u64,
    bytes: Option<&'a [u8]>,
}

fn varint(data: &[u8], pos: &mut usize) -> Result<u64, String> {
    let mut value = 0u64;
    for shift in (0..64).step_by(7) {
        let byte = *data.get(*pos).ok_or("truncated varint")?;
        *pos += 1;
        value |= u64::from(byte & 0x7f) << shift;
        if byte & 0x80 == 0 {
            return Ok(value);
        }
    }
    Err("varint too long".to_string())
}

fn fields(data: &[u8]) -> Result<Vec<Field<'_>>, String> {
    let mut pos = 0;
    let mut out = Vec::new();
    while pos < data.len() {
        let key = varint(data, &mut pos)?;
        let (number, wire_type) = (key >> 3, key & 7);
        let bytes = match wire_type {
            0 => {
                varint(data, &mut pos)?;
                None
            }
            1 => {
                pos += 8;
                None
            }
            2 => {
                let len =
                    usize::try_from(varint(data, &mut pos)?).map_err(|_| "length too large")?;
                let end = pos
                    .checked_add(len)
                    .filter(|end| *end <= data.len())
                    .ok_or("truncated field")?;
                let bytes = &data[pos..end];
                pos = end;
                Some(bytes)
            }
            5 => {
                pos += 4;
                None
            }
            other => return Err(format!("unsupported wire type {other}")),
        };
        if pos > data.len() {
            return Err("truncated field".to_string());
        }
        out.push(Field { number, bytes });
    }
    Ok(out)
}

fn message(data: &[u8], number: u64) -> Result<Option<&[u8]>, String> {
    Ok(fields(data)?
        .into_iter()
        .rev()
        .find(|f| f.number == number)
        .and_then(|f| f.bytes))
}

/// String fields of a message by number, as a JSON object with the given names.
fn strings(data: &[u8], names: &[(u64, &str)]) -> Result<Value, String> {
    let mut object = Map::new();
    for field in fields(data)? {
        if let (Some((_, name)), Some(bytes)) =
            (names.iter().find(|(n, _)| *n == field.number), field.bytes)
        {
            let text =
                std::str::from_utf8(bytes).map_err(|_| format!("field {name} is not UTF-8"))?;
            object.insert((*name).to_string(), json!(text));
        }
    }
    Ok(Value::Object(object))
}

/// Decodes a protobuf-encoded SelfSubjectAccessReview or SelfSubjectReview into JSON.
pub fn decode_review(body: &[u8]) -> Result<Value, String> {
    let envelope = body
        .strip_prefix(MAGIC)
        .ok_or("missing the k8s protobuf envelope")?;
    let type_meta = strings(
        message(envelope, 1)?.unwrap_or_default(),
        &[(1, "apiVersion"), (2, "kind")],
    )?;
    let raw = message(envelope, 2)?.unwrap_or_default();
    let kind = type_meta["kind"].as_str().unwrap_or("");
    let mut review =
        json!({"apiVersion": type_meta["apiVersion"], "kind": kind, "metadata": {}, "spec": {}});
    if kind == "SelfSubjectAccessReview" {
        let spec = message(raw, 2)?.unwrap_or_default();
        if let Some(resource) = message(spec, 1)? {
            review["spec"]["resourceAttributes"] = strings(
                resource,
                &[
                    (1, "namespace"),
                    (2, "verb"),
                    (3, "group"),
                    (4, "version"),
                    (5, "resource"),
                    (6, "subresource"),
                    (7, "name"),
                ],
            )?;
        }
        if let Some(non_resource) = message(spec, 2)? {
            review["spec"]["nonResourceAttributes"] =
                strings(non_resource, &[(1, "path"), (2, "verb")])?;
        }
    } else if kind != "SelfSubjectReview" {
        return Err(format!(
            "protobuf is read only for access reviews, not {kind:?}"
        ));
    }
    Ok(review)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn field(number: u64, bytes: &[u8]) -> Vec<u8> {
        let mut out = vec![
            u8::try_from(number << 3 | 2).unwrap_or(0),
            u8::try_from(bytes.len()).unwrap_or(0),
        ];
        out.extend_from_slice(bytes);
        out
    }

    #[test]
    fn decodes_the_review_kubectl_auth_can_i_sends() {
        let attributes = [
            field(1, b"shop"),
            field(2, b"patch"),
            field(3, b"apps"),
            field(5, b"deployments"),
            field(6, b"scale"),
        ]
        .concat();
        let spec = field(1, &attributes);
        let review = field(2, &spec);
        let type_meta = [
            field(1, b"authorization.k8s.io/v1"),
            field(2, b"SelfSubjectAccessReview"),
        ]
        .concat();
        let envelope = [
            MAGIC.to_vec(),
            field(1, &type_meta),
            field(2, &review),
            field(4, b"application/vnd.kubernetes.protobuf"),
        ]
        .concat();
        let decoded = decode_review(&envelope).expect("decodes");
        assert_eq!(decoded["kind"], "SelfSubjectAccessReview");
        assert_eq!(
            decoded["spec"]["resourceAttributes"],
            json!({"namespace": "shop", "verb": "patch", "group": "apps", "resource": "deployments", "subresource": "scale"})
        );
    }

    #[test]
    fn refuses_garbage_with_a_reason() {
        assert_eq!(
            decode_review(b"{}").unwrap_err(),
            "missing the k8s protobuf envelope"
        );
        assert_eq!(
            decode_review(b"k8s\x00\x0a\x05ab").unwrap_err(),
            "truncated field"
        );
        let type_meta = [field(1, b"v1"), field(2, b"Pod")].concat();
        assert!(
            decode_review(&[MAGIC.to_vec(), field(1, &type_meta)].concat())
                .unwrap_err()
                .contains("Pod")
        );
    }
}
