//! Line diff of two snapshots (longest common subsequence), so a plan shows exactly which
//! `field: value` lines a change would remove and add, with the rest as context.

use super::DiffLine;

/// `before` against `after`: removed lines come before the lines that replace them.
pub fn diff(before: &[String], after: &[String]) -> Vec<DiffLine> {
    let (n, m) = (before.len(), after.len());
    // lcs[i][j]: length of the longest common subsequence of before[i..] and after[j..].
    let mut lcs = vec![vec![0usize; m + 1]; n + 1];
    for i in (0..n).rev() {
        for j in (0..m).rev() {
            lcs[i][j] = if before[i] == after[j] {
                lcs[i + 1][j + 1] + 1
            } else {
                lcs[i + 1][j].max(lcs[i][j + 1])
            };
        }
    }
    let mut out = Vec::with_capacity(n.max(m));
    let (mut i, mut j) = (0, 0);
    while i < n || j < m {
        if i < n && j < m && before[i] == after[j] {
            out.push(DiffLine::Context(before[i].clone()));
            i += 1;
            j += 1;
        } else if i < n && (j == m || lcs[i + 1][j] >= lcs[i][j + 1]) {
            out.push(DiffLine::Removed(before[i].clone()));
            i += 1;
        } else {
            out.push(DiffLine::Added(after[j].clone()));
            j += 1;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(text: &[&str]) -> Vec<String> {
        text.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn changed_lines_are_removed_then_added_between_context() {
        let before = lines(&["replicas: 3", "image app: a:v1", "paused: false"]);
        let after = lines(&["replicas: 6", "image app: a:v1", "paused: false"]);
        assert_eq!(
            diff(&before, &after),
            vec![
                DiffLine::Removed("replicas: 3".into()),
                DiffLine::Added("replicas: 6".into()),
                DiffLine::Context("image app: a:v1".into()),
                DiffLine::Context("paused: false".into()),
            ]
        );
    }

    #[test]
    fn insertions_deletions_and_empty_sides() {
        assert_eq!(diff(&[], &lines(&["a"])), vec![DiffLine::Added("a".into())]);
        assert_eq!(
            diff(&lines(&["a", "b", "c"]), &lines(&["a", "c"])),
            vec![
                DiffLine::Context("a".into()),
                DiffLine::Removed("b".into()),
                DiffLine::Context("c".into()),
            ]
        );
        assert!(diff(&[], &[]).is_empty());
    }
}
