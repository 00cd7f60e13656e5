//! Container images in a narrow column: the tag tells revisions apart, so the registry and
//! repository path are cut first (`registry.example/shop/payment:v1.4.2` -> `payment:v1.4.2`),
//! then the name from its left (`…ment:v1.4.2`); the tag is cut last.

use super::fit;

/// `images` (comma-joined) in `width` columns, padded.
pub fn images_fit<'a>(images: impl IntoIterator<Item = &'a str>, width: usize) -> String {
    let images: Vec<&str> = images.into_iter().collect();
    let full = images.join(", ");
    if full.chars().count() <= width {
        return fit(&full, width);
    }
    let short: Vec<&str> = images.iter().map(|image| without_path(image)).collect();
    let joined = short.join(", ");
    if joined.chars().count() <= width || short.len() > 1 {
        return fit(&joined, width);
    }
    fit(&keep_tag(short[0], width), width)
}

/// The image without its registry and repository path: what follows the last `/` before the
/// tag or digest.
fn without_path(image: &str) -> &str {
    let name_end = image.find(['@']).unwrap_or(image.len());
    let name_end = image[..name_end]
        .rfind(':')
        .filter(|colon| !image[colon + 1..name_end].contains('/'))
        .unwrap_or(name_end);
    let start = image[..name_end].rfind('/').map_or(0, |slash| slash + 1);
    &image[start..]
}

/// `…ment:v1.4.2`: the name cut from its left so the tag shows whole (when it fits).
fn keep_tag(image: &str, width: usize) -> String {
    let count = image.chars().count();
    if count <= width || width < 2 {
        return image.to_string();
    }
    let tail: String = image.chars().skip(count - (width - 1)).collect();
    format!("…{tail}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn revisions_stay_apart_in_a_narrow_column() {
        let v1 = images_fit(["registry.example/shop/payment:v1.4.1"], 12);
        let v2 = images_fit(["registry.example/shop/payment:v1.4.2"], 12);
        assert_ne!(v1, v2);
        assert_eq!(v2, "…ment:v1.4.2");
        assert_eq!(
            images_fit(["registry.example/payment:v1.4.2"], 16),
            "payment:v1.4.2  "
        );
        // A port in the registry is not a tag.
        assert_eq!(
            images_fit(["localhost:5000/payment:v2"], 12),
            "payment:v2  "
        );
        assert_eq!(images_fit(["redis:7.2"], 12), "redis:7.2   ");
        assert_eq!(
            images_fit(["registry.example/cart:v1.0.0", "envoy:1.30"], 24),
            "cart:v1.0.0, envoy:1.30 "
        );
        assert_eq!(images_fit(["repo/app@sha256:abcdef"], 10), "…56:abcdef");
    }
}
