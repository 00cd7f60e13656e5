//! The SLOs screen as data: its cursor, the open detail and SLA helper, and the list's rows
//! (one per SLO and scope, fleet row first) in the order an on-call engineer needs them:
//! paging first, then ticketing, then the lowest budget left.

use std::cmp::Ordering;

use super::filter::{Query, slo_matches};
use crate::cluster::ClusterId;
use crate::model::{Cursor, Model};
use crate::slo::{SloEntry, SloId, SloScope};

/// A row of the SLO list: which SLO, in which scope.
pub type SloRowKey = (SloId, SloScope);

/// The open detail: the row it was opened on and the cluster its charts come from (the row's
/// cluster, or for a fleet row one of the SLO's clusters, cycled with a key).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SloDetail {
    pub slo: SloId,
    pub scope: SloScope,
    pub chart_cluster: Option<ClusterId>,
}

/// The SLOs screen's state, owned by `update`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SloViewState {
    pub cursor: Cursor<SloRowKey>,
    pub detail: Option<SloDetail>,
    /// The SLA helper popup is open.
    pub sla: bool,
}

/// One row of the list.
#[derive(Debug, Clone, Copy)]
pub struct SloRow<'a> {
    pub slo: SloId,
    pub scope: SloScope,
    /// `None` until the SLO has been read in this scope.
    pub entry: Option<&'a SloEntry>,
}

impl SloRow<'_> {
    pub fn key(&self) -> SloRowKey {
        (self.slo, self.scope)
    }
}

/// The scope's name: the cluster's, or `fleet`.
pub fn scope_name(model: &Model, scope: SloScope) -> &str {
    match scope {
        SloScope::Fleet => "fleet",
        SloScope::Cluster(id) => model.clusters.get(id).map_or("?", |c| c.name.as_str()),
    }
}

/// The clusters SLO `slo` is evaluated in, in configuration order.
pub fn slo_clusters(model: &Model, slo: SloId) -> Vec<ClusterId> {
    let Some(spec) = model.slos.specs.get(slo) else {
        return Vec::new();
    };
    model
        .clusters
        .iter()
        .enumerate()
        .filter(|(_, c)| spec.applies_to(c.name.as_str()))
        .map(|(id, _)| id)
        .collect()
}

/// Whether SLO `slo` has a fleet row: a fleet SLO evaluated in more than one cluster.
pub fn shows_fleet(model: &Model, slo: SloId) -> bool {
    model.slos.specs.get(slo).is_some_and(|s| s.fleet) && slo_clusters(model, slo).len() > 1
}

/// Urgency for sorting: paging, ticketing, the rest; unread or unknown rows after the known
/// ones of the same urgency.
fn urgency(entry: Option<&SloEntry>) -> (u8, f64) {
    match entry {
        Some(e) if e.evaluation.paging() => (0, budget(e)),
        Some(e) if e.evaluation.ticketing() => (1, budget(e)),
        Some(e) => (2, budget(e)),
        None => (2, f64::INFINITY),
    }
}

fn budget(entry: &SloEntry) -> f64 {
    entry
        .evaluation
        .budget_remaining
        .map(|n| n.0)
        .filter(|v| v.is_finite())
        .unwrap_or(f64::INFINITY)
}

fn compare(a: (u8, f64), b: (u8, f64)) -> Ordering {
    a.0.cmp(&b.0).then(a.1.total_cmp(&b.1))
}

/// Every shown row, sorted. Rows stay grouped by SLO: the fleet row first for a fleet SLO,
/// then its clusters (most urgent first); SLOs are ordered by their most urgent row.
pub fn slo_rows(model: &Model) -> Vec<SloRow<'_>> {
    let query = Query::parse(&model.ui.filter.slos);
    let mut groups: Vec<Vec<SloRow>> = Vec::new();
    for (slo, spec) in model.slos.specs.iter().enumerate() {
        let clusters: Vec<ClusterId> = slo_clusters(model, slo)
            .into_iter()
            .filter(|id| model.ui.shows_cluster(*id))
            .collect();
        let mut rows: Vec<SloRow> = clusters
            .iter()
            .map(|id| SloRow {
                slo,
                scope: SloScope::Cluster(*id),
                entry: model.slos.entry(slo, SloScope::Cluster(*id)),
            })
            .collect();
        // Equal heat keeps cluster order (the sort is stable).
        rows.sort_by(|a, b| compare(urgency(a.entry), urgency(b.entry)));
        if shows_fleet(model, slo) {
            rows.insert(
                0,
                SloRow {
                    slo,
                    scope: SloScope::Fleet,
                    entry: model.slos.entry(slo, SloScope::Fleet),
                },
            );
        }
        rows.retain(|row| {
            slo_matches(
                &query,
                spec.name.as_str(),
                spec.service.as_str(),
                scope_name(model, row.scope),
            )
        });
        if !rows.is_empty() {
            groups.push(rows);
        }
    }
    let head = |rows: &[SloRow]| {
        rows.iter()
            .map(|r| urgency(r.entry))
            .min_by(|a, b| compare(*a, *b))
            .unwrap_or((2, f64::INFINITY))
    };
    // Equal heat: by SLO name, then definition order (stable from frame to frame).
    let name = |rows: &[SloRow]| model.slos.specs.get(rows[0].slo).map(|s| s.name.as_str());
    groups.sort_by(|a, b| {
        compare(head(a), head(b))
            .then_with(|| name(a).cmp(&name(b)))
            .then(a[0].slo.cmp(&b[0].slo))
    });
    groups.into_iter().flatten().collect()
}

/// The index of the selected row in `rows` (following its key), clamped.
pub fn selected_slo(model: &Model, rows: &[SloRow]) -> usize {
    let cursor = &model.ui.slo.cursor;
    cursor
        .key
        .and_then(|key| rows.iter().position(|r| r.key() == key))
        .unwrap_or(cursor.index)
        .min(rows.len().saturating_sub(1))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fixture::empty_model;
    use crate::slo::shop::design_slos;

    #[test]
    fn the_list_is_sorted_by_heat_paging_then_ticket_then_budget_left() {
        let model = crate::fixture::slos::slo_model();
        let rows = slo_rows(&model);
        let heat: Vec<(u8, f64)> = rows.iter().map(|r| urgency(r.entry)).collect();
        let name = |row: &SloRow| model.slos.specs[row.slo].name.as_str().to_string();
        // payment-errors pages in prod-us-1: its rows lead, the paging one first;
        // order-errors tickets next.
        assert_eq!(name(&rows[0]), "payment-errors");
        assert_eq!(rows[0].scope, SloScope::Cluster(1));
        assert_eq!(heat[0].0, 0, "paging");
        let order = rows.iter().position(|r| name(r) == "order-errors").unwrap();
        let first_other = rows
            .iter()
            .position(|r| !["payment-errors", "order-errors"].contains(&name(r).as_str()))
            .unwrap();
        assert!(
            order < first_other,
            "the ticketing SLO before the quiet ones"
        );
        // Groups (each led by its hottest row) never get hotter further down.
        let mut heads = Vec::new();
        for (i, row) in rows.iter().enumerate() {
            if i == 0 || rows[i - 1].slo != row.slo {
                let group: Vec<(u8, f64)> = rows[i..]
                    .iter()
                    .take_while(|r| r.slo == row.slo)
                    .map(|r| urgency(r.entry))
                    .collect();
                heads.push(group.into_iter().min_by(|a, b| compare(*a, *b)).unwrap());
            }
        }
        assert!(
            heads.windows(2).all(|w| compare(w[0], w[1]).is_le()),
            "{heads:?}"
        );
    }

    #[test]
    fn fleet_rows_lead_their_slo_and_unread_slos_go_by_name() {
        let mut model = empty_model();
        model.slos = crate::slo::SloBoard::new(design_slos());
        let rows = slo_rows(&model);
        // 3 fleet SLOs x (fleet + 3 clusters) + 4 per-cluster SLOs x 3 clusters.
        assert_eq!(rows.len(), 3 * 4 + 4 * 3);
        assert_eq!(rows[0].key(), (0, SloScope::Fleet));
        assert_eq!(rows[1].key(), (0, SloScope::Cluster(0)));
        // Unread per-cluster SLOs by name: auth-errors (5) first, user-errors (6) last.
        assert_eq!(rows[12].key(), (5, SloScope::Cluster(0)));
        assert_eq!(rows[23].key(), (6, SloScope::Cluster(2)));
    }
}
