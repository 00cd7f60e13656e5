//! Snapshots of the Workloads screen (workloads and databases tables) at 80x24 and 120x40,
//! of its scale and rollback popups, and of hostile names rendered inert.

use ratatui::Terminal;
use ratatui::backend::TestBackend;

use super::theme::Theme;
use super::{ViewInfo, view};
use watchdeck_core::action::Key;
use watchdeck_core::fixture::now;
use watchdeck_core::fixture::workloads::workload_model;
use watchdeck_core::model::Model;
use watchdeck_core::update::update;

fn draw(model: &Model, width: u16, height: u16) -> (String, ViewInfo) {
    let mut terminal = Terminal::new(TestBackend::new(width, height)).unwrap();
    let mut info = ViewInfo::default();
    terminal
        .draw(|frame| info = view(frame, model, &Theme::dark(), now()))
        .unwrap();
    (format!("{}", terminal.backend()), info)
}

fn press(model: &mut Model, keys: &[Key]) {
    for key in keys {
        update(model, watchdeck_core::fixture::key_msg(*key));
    }
}

/// The Workloads screen with `shop/payment` selected.
fn screen() -> Model {
    let mut model = workload_model();
    press(
        &mut model,
        &[Key::Char('6'), Key::Char('j'), Key::Char('j')],
    );
    model
}

#[test]
fn snapshot_workloads_screen_80x24() {
    let (text, info) = draw(&screen(), 80, 24);
    assert!(
        text.contains("payment") && text.contains("Databases"),
        "{text}"
    );
    assert!(info.layout.workloads.is_some() && info.layout.databases.is_some());
    insta::assert_snapshot!("workloads_80x24", text);
}

#[test]
fn snapshot_workloads_screen_120x40() {
    let (text, _) = draw(&screen(), 120, 40);
    for want in [
        "2/3",
        // The version is read in the latest rollout: revision, tag, age.
        "rev 3 v2.4.1 7h ago",
        "payment:v2.4.1",
        "paused",
        "replica of orders-db-us-east-1",
        "orders-db-2",
    ] {
        assert!(text.contains(want), "{want} missing:\n{text}");
    }
    insta::assert_snapshot!("workloads_120x40", text);
}

#[test]
fn snapshot_scale_popup_80x24() {
    let mut model = screen();
    press(&mut model, &[Key::Char('x'), Key::Char('6')]);
    let (text, _) = draw(&model, 80, 24);
    assert!(
        text.contains("prod-eu-1/shop/payment") && text.contains("replicas: 6"),
        "{text}"
    );
    insta::assert_snapshot!("scale_popup_80x24", text);
}

#[test]
fn snapshot_rollback_popup_80x24_tells_revisions_apart() {
    let mut model = screen();
    press(&mut model, &[Key::Char('u')]);
    let (text, _) = draw(&model, 80, 24);
    for want in ["v2.4.1", "v2.4.0", "v2.3.9", "(current)"] {
        assert!(text.contains(want), "{want} missing:\n{text}");
    }
    insta::assert_snapshot!("rollback_popup_80x24", text);
}

#[test]
fn snapshot_rollback_popup_120x40() {
    let mut model = screen();
    press(&mut model, &[Key::Char('u')]);
    let (text, _) = draw(&model, 120, 40);
    for want in [
        "Roll back prod-eu-1/shop/payment",
        "bump to v2.4.0",
        "(current)",
        "v2.3.9",
    ] {
        assert!(text.contains(want), "{want} missing:\n{text}");
    }
    insta::assert_snapshot!("rollback_popup_120x40", text);
}

#[test]
fn hostile_workload_names_and_images_render_inert() {
    let mut model = screen();
    model.ui.filter.workloads = "ns:web".into();
    let (text, _) = draw(&model, 120, 40);
    assert!(!text.contains('\x1b') && !text.contains('\u{202e}') && !text.contains('\x07'));
    assert!(text.contains("evil"), "{text}");
    press(&mut model, &[Key::Char('x')]);
    let (popup, _) = draw(&model, 120, 40);
    assert!(!popup.contains('\x1b') && !popup.contains('\u{202e}'));
    insta::assert_snapshot!("hostile_workloads_120x40", text);
}

#[test]
fn notice_shows_in_the_bottom_line_until_the_next_key() {
    let mut model = screen();
    press(&mut model, &[Key::Char('P')]);
    let (text, _) = draw(&model, 80, 24);
    let last = text.lines().last().unwrap_or_default().to_string();
    assert!(last.contains("promote: select a database first"), "{last}");
    press(&mut model, &[Key::Char('j')]);
    let (text, _) = draw(&model, 80, 24);
    assert!(!text.contains("select a database"));
}

/// The Workloads screen with RED rows: payment at 90 req/s over 2 ready pods, 93% CPU;
/// cart at 10 req/s over 2, 35%.
fn loaded() -> Model {
    use watchdeck_core::model::services::ServiceRed;
    use watchdeck_core::series::Num;
    use watchdeck_core::text::Text;
    let mut model = screen();
    for (name, rate, saturation) in [("payment", 90.0, 0.93), ("cart", 10.0, 0.35)] {
        model.clusters[0].metrics.services.insert(
            Text::new(name),
            ServiceRed {
                name: Text::new(name),
                rate: Some(Num(rate)),
                saturation: Some(Num(saturation)),
                ..ServiceRed::default()
            },
        );
    }
    model
}

#[test]
fn snapshot_workloads_load_160x45_shows_rate_per_ready_pod_and_saturation_coloured_when_high() {
    let model = loaded();
    let (text, _) = draw(&model, 160, 45);
    let payment = text
        .lines()
        .find(|l| l.contains("payment"))
        .unwrap_or_default();
    assert!(payment.contains("rev 3 v2.4.1 7h ago"), "{payment}");
    assert!(
        payment.contains(" 45.0 ") && payment.contains("93%"),
        "{payment}"
    );
    let cart = text
        .lines()
        .find(|l| l.contains(" cart "))
        .unwrap_or_default();
    assert!(cart.contains(" 5.0 ") && cart.contains("35%"), "{cart}");
    insta::assert_snapshot!("workloads_load_160x45", text);
    // Colour: 93% is drawn in the "bad" style, 35% is not.
    let mut terminal = Terminal::new(TestBackend::new(160, 45)).unwrap();
    let theme = Theme::dark();
    terminal
        .draw(|frame| {
            view(frame, &model, &theme, now());
        })
        .unwrap();
    let buffer = terminal.backend().buffer();
    let style_of = |needle: &str| {
        (0..45u16).find_map(|y| {
            let row: String = (0..160u16).map(|x| buffer[(x, y)].symbol()).collect();
            row.find(needle).map(|byte| {
                let x = row[..byte].chars().count() as u16;
                buffer[(x, y)].fg
            })
        })
    };
    assert_eq!(style_of("93%"), theme.bad.fg);
    assert_ne!(style_of("35%"), theme.bad.fg);
}

#[test]
fn snapshot_workloads_load_80x24_drops_the_load_columns_before_name_and_images() {
    let (text, _) = draw(&loaded(), 80, 24);
    assert!(!text.contains("REQ/POD") && !text.contains("93%"), "{text}");
    assert!(text.contains("NAME") && text.contains("IMAGES"), "{text}");
    insta::assert_snapshot!("workloads_load_80x24", text);
}

#[test]
fn an_unreadable_resource_is_named_never_shown_as_empty() {
    use watchdeck_core::model::health::Health;
    use watchdeck_core::model::kube::KubeResource;
    use watchdeck_core::text::Text;
    let mut model = screen();
    let forbidden = |reason: &str| Health::Failed {
        since: now(),
        reason: Text::new(reason),
    };
    for cluster in &mut model.clusters {
        cluster.kube.databases.clear();
    }
    let (text, _) = draw(&model, 120, 40);
    assert!(text.contains("no CloudNativePG clusters"), "{text}");
    let name = model.clusters[0].name.to_string();
    model.clusters[0].kube.health.insert(
        KubeResource::CnpgClusters,
        forbidden("forbidden: list clusters.postgresql.cnpg.io in namespace shop"),
    );
    model.clusters[0].kube.health.insert(
        KubeResource::StatefulSets,
        forbidden("forbidden: list statefulsets in namespace shop"),
    );
    for (width, height) in [(120, 40), (80, 24)] {
        let (text, _) = draw(&model, width, height);
        assert!(
            !text.contains("no CloudNativePG clusters")
                && text.contains(&format!("⚠ {name} clusters.postgresql.cnpg.io: forbidden"))
                && text.contains("Databases (0) · 1 unreadable"),
            "{width}x{height}:\n{text}"
        );
        // The workloads that could be read stay listed; the title counts what could not.
        assert!(
            text.contains("payment") && text.contains("· 1 unreadable"),
            "{width}x{height}:\n{text}"
        );
    }
}
