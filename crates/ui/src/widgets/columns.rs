//! Fitting a table's columns to the screen width, shared by the tables that drop columns:
//! the lowest-priority columns go first (priority 9 is never dropped), and one column can
//! take the width left over.

/// The columns' width with one space after each.
pub fn total<C>(cols: &[(C, usize)]) -> usize {
    cols.iter().map(|(_, w)| w + 1).sum()
}

/// Drops the column of lowest `priority` (below 9) until `cols` fit in `width`.
pub fn drop_to_fit<C>(cols: &mut Vec<(C, usize)>, width: usize, priority: impl Fn(&C) -> u8) {
    while total(cols) > width {
        let Some(drop) = cols
            .iter()
            .enumerate()
            .filter(|(_, (c, _))| priority(c) < 9)
            .min_by_key(|(_, (c, _))| priority(c))
            .map(|(i, _)| i)
        else {
            break;
        };
        cols.remove(drop);
    }
}

/// Widens the column `which` picks to take what `width` leaves (never narrower than it is).
pub fn grow_into<C>(cols: &mut [(C, usize)], width: usize, which: impl Fn(&C) -> bool) {
    let used = total(cols);
    if let Some(col) = cols.iter_mut().find(|(c, _)| which(c)) {
        let others = used - col.1 - 1;
        col.1 = width.saturating_sub(others + 1).max(col.1);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_lowest_priorities_go_first_and_nine_stays() {
        let priority = |c: &char| match c {
            'a' => 9,
            'b' => 2,
            _ => 5,
        };
        let mut cols = vec![('a', 10), ('b', 10), ('c', 10)];
        drop_to_fit(&mut cols, 22, priority);
        assert_eq!(cols, vec![('a', 10), ('c', 10)]);
        drop_to_fit(&mut cols, 5, priority);
        assert_eq!(
            cols,
            vec![('a', 10)],
            "priority 9 is kept even when too wide"
        );
    }

    #[test]
    fn one_column_takes_what_is_left() {
        let mut cols = vec![('a', 10), ('z', 4)];
        grow_into(&mut cols, 40, |c| *c == 'z');
        assert_eq!(cols, vec![('a', 10), ('z', 28)]);
        grow_into(&mut cols, 10, |c| *c == 'z');
        assert_eq!(cols[1].1, 28, "never narrower");
    }
}
