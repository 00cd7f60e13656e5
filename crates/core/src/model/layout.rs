//! Where the last frame drew what the mouse can point at: the title bar's tabs and the
//! rows of each list. Plain rectangles (no terminal types), reported by the renderer after
//! each draw and read by `update` to turn a click into a selection.

use crate::screen::View;

/// A rectangle of terminal cells.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Area {
    pub x: u16,
    pub y: u16,
    pub width: u16,
    pub height: u16,
}

impl Area {
    pub fn new(x: u16, y: u16, width: u16, height: u16) -> Self {
        Area {
            x,
            y,
            width,
            height,
        }
    }

    /// True when the cell at (`column`, `row`) is inside.
    pub fn contains(&self, column: u16, row: u16) -> bool {
        column >= self.x
            && row >= self.y
            && u32::from(column) < u32::from(self.x) + u32::from(self.width)
            && u32::from(row) < u32::from(self.y) + u32::from(self.height)
    }
}

/// The clickable parts of the last frame.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ScreenLayout {
    /// The title bar's tab of each view, in `View::ALL` order (empty when not drawn).
    pub tabs: [Area; View::ALL.len()],
    /// The data rows of the pods table (inside its border, below its header).
    pub pods: Option<Area>,
    /// The data rows of the alerts list.
    pub alerts: Option<Area>,
    /// The data rows of the SLO list.
    pub slos: Option<Area>,
    /// The data rows of the workloads table and of the databases table.
    pub workloads: Option<Area>,
    pub databases: Option<Area>,
}

impl ScreenLayout {
    /// The view whose tab is at (`column`, `row`).
    pub fn tab_at(&self, column: u16, row: u16) -> Option<View> {
        self.tabs
            .iter()
            .zip(View::ALL)
            .find(|(area, _)| area.contains(column, row))
            .map(|(_, view)| view)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn area_contains_its_cells_only() {
        let a = Area::new(2, 1, 3, 2);
        assert!(a.contains(2, 1) && a.contains(4, 2));
        assert!(!a.contains(5, 1) && !a.contains(2, 3) && !a.contains(1, 1));
        assert!(!Area::default().contains(0, 0));
        let edge = Area::new(u16::MAX - 1, 0, 5, 1);
        assert!(edge.contains(u16::MAX, 0));
    }
}
