//! "Did you mean ...?": finds the known key an unknown one was most likely meant to be.

/// The known key closest to an unknown one, if any is close enough to be a likely typo.
pub(crate) fn closest<'k>(key: &str, known: &[&'k str]) -> Option<&'k str> {
    let norm = |s: &str| s.to_ascii_lowercase().replace('-', "_");
    let key_n = norm(key);
    let limit = (key_n.chars().count() / 3).clamp(1, 3);
    let mut best: Option<(usize, &'k str)> = None;
    for &candidate in known {
        let cand_n = norm(candidate);
        let distance = edit_distance(&key_n, &cand_n);
        let contains = key_n.len() >= 6 && cand_n.contains(&key_n);
        if (distance <= limit || contains) && best.is_none_or(|(d, _)| distance < d) {
            best = Some((distance, candidate));
        }
    }
    best.map(|(_, candidate)| candidate)
}

/// Edit distance where swapping two neighbouring characters counts as one edit
/// (optimal string alignment), so `nmae` is one edit from `name`.
fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let width = b.len() + 1;
    let mut d = vec![0usize; (a.len() + 1) * width];
    for (j, cell) in d.iter_mut().take(width).enumerate() {
        *cell = j;
    }
    for i in 1..=a.len() {
        d[i * width] = i;
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut best = (d[(i - 1) * width + j] + 1)
                .min(d[i * width + j - 1] + 1)
                .min(d[(i - 1) * width + j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                best = best.min(d[(i - 2) * width + j - 2] + 1);
            }
            d[i * width + j] = best;
        }
    }
    d[a.len() * width + b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggestions_catch_typos_but_not_unrelated_words() {
        let known = [
            "url",
            "service",
            "timeout",
            "bearer_token_file",
            "alertmanagers",
        ];
        assert_eq!(closest("alertmanager", &known), Some("alertmanagers"));
        assert_eq!(closest("timout", &known), Some("timeout"));
        assert_eq!(closest("serivce", &known), Some("service"));
        assert_eq!(closest("bearer_token", &known), Some("bearer_token_file"));
        assert_eq!(
            closest("Bearer-Token-File", &known),
            Some("bearer_token_file")
        );
        assert_eq!(closest("colour", &known), None);
    }
}
