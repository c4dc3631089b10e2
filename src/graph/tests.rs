//! Unit tests of the graph: hand-worked figures, node and edge order, and every exporter.

use super::*;
use crate::config::Parameters;
use crate::measures::testkit::{date, org, Builder};
use crate::measures::Context;
use crate::model::{Dataset, Payee, PaymentType, PersonKey, Status};
use crate::render::graph::{rgb, Num, EDGE_FIELDS};

/// Council → foundation £100; foundation → group A £30 and group B £40; and, unconnected,
/// trust → group C £10. All awarded 2023-06-01 (12-month grants, active at as_of).
fn regranting() -> Builder {
    Builder::default()
        .named_org("GB-LAE-C", "Council", Sector::Statutory)
        .named_org("GB-CHC-F", "Foundation", Sector::Vcse)
        .named_org("GB-CHC-A", "Group A", Sector::Vcse)
        .named_org("GB-CHC-B", "Group B", Sector::Vcse)
        .named_org("GB-CHC-T", "Trust", Sector::Vcse)
        .named_org("GB-CHC-X", "Group C", Sector::Unknown)
        .grant("GB-LAE-C", "GB-CHC-F", 100, "2023-06-01")
        .grant("GB-CHC-F", "GB-CHC-A", 30, "2023-06-01")
        .grant("GB-CHC-F", "GB-CHC-B", 40, "2023-06-01")
        .grant("GB-CHC-T", "GB-CHC-X", 10, "2023-06-01")
}

fn graph(data: &Dataset) -> MoneyGraph {
    build(
        &Context::new(data, None, Window::default()),
        &Parameters::default(),
    )
}

#[test]
fn intermediary_pass_through_and_totals_by_hand() {
    let data = regranting().build();
    let g = graph(&data);
    // Foundation receives £100 and gives £30 + £40 = £70: pass-through 70 / 100 = 0.7.
    assert_eq!(
        g.intermediaries(),
        vec![Intermediary {
            id: org("GB-CHC-F"),
            name: "Foundation".into(),
            received: Pence(10_000),
            given: Pence(7_000),
            pass_through: Some(0.7),
        }]
    );
    // All awards: 100 + 30 + 40 + 10 = £180. Original funders (council, trust received
    // nothing): 100 + 10 = £110; the foundation's £70 is regranted money.
    assert_eq!(g.all_awards(), Pence(18_000));
    assert_eq!(g.money_from_original_funders(), Pence(11_000));
}

#[test]
fn new_money_counts_an_intermediarys_own_money_once() {
    // As regranting(): new money = 180 − min(received 100, given 70) = £110.
    assert_eq!(graph(&regranting().build()).new_money(), Pence(11_000));
    // The foundation adds £50 of its own for group C: it gives 120 of which at most 100
    // is the council's; new money 230 − 100 = £130, original funders still £110.
    let g = graph(
        &regranting()
            .grant("GB-CHC-F", "GB-CHC-X", 50, "2023-06-01")
            .build(),
    );
    assert_eq!(g.all_awards(), Pence(23_000));
    assert_eq!(g.new_money(), Pence(13_000));
    assert_eq!(g.money_from_original_funders(), Pence(11_000));
}

#[test]
fn brief_example_without_the_unconnected_pair() {
    let mut data = regranting().build();
    data.grants.pop();
    let g = graph(&data);
    assert_eq!(g.all_awards(), Pence(17_000));
    assert_eq!(g.money_from_original_funders(), Pence(10_000));
}

#[test]
fn funders_and_recipients_sorted_with_amounts() {
    let data = regranting().build();
    let g = graph(&data);
    let f = g.funders_of(&org("GB-CHC-F"));
    assert_eq!(f.len(), 1);
    assert_eq!(
        (f[0].id.as_str(), f[0].amount, f[0].grants),
        ("GB-LAE-C", Pence(10_000), 1)
    );
    // 12-month grant: years = max(1, 366/365.25) = 1.002..., annual value just under £100.
    assert!((f[0].active_annual - 100.0 * 365.25 / 366.0).abs() < 1e-9);
    let r: Vec<_> = g
        .recipients_of(&org("GB-CHC-F"))
        .into_iter()
        .map(|c| (c.id, c.amount))
        .collect();
    assert_eq!(
        r,
        vec![
            ("GB-CHC-A".to_owned(), Pence(3_000)),
            ("GB-CHC-B".to_owned(), Pence(4_000))
        ]
    );
    assert!(g.funders_of(&org("GB-LAE-C")).is_empty());
    assert!(g.recipients_of(&org("GB-NOT-THERE")).is_empty());
}

#[test]
fn two_clusters_largest_first() {
    let data = regranting().build();
    let g = graph(&data);
    assert_eq!(
        g.clusters(),
        vec![
            vec![
                org("GB-CHC-A"),
                org("GB-CHC-B"),
                org("GB-CHC-F"),
                org("GB-LAE-C")
            ],
            vec![org("GB-CHC-T"), org("GB-CHC-X")],
        ]
    );
}

#[test]
fn zero_received_gives_no_pass_through() {
    // Group A gets a £0 grant from the trust and gives £50 to group B.
    let g = graph(
        &regranting()
            .grant("GB-CHC-T", "GB-CHC-A", 0, "2023-06-01")
            .grant("GB-CHC-A", "GB-CHC-B", 50, "2023-06-01")
            .build(),
    );
    let a = g
        .intermediaries()
        .into_iter()
        .find(|i| i.id == org("GB-CHC-A"))
        .expect("A gives and receives");
    // Received: £30 from F + £0 from T; given £50: 50 / 30.
    assert_eq!((a.received, a.given), (Pence(3_000), Pence(5_000)));
    assert!((a.pass_through.expect("received > 0") - 5.0 / 3.0).abs() < 1e-12);

    let g = graph(
        &Builder::default()
            .grant("GB-CHC-T", "GB-CHC-A", 0, "2023-06-01")
            .grant("GB-CHC-A", "GB-CHC-B", 50, "2023-06-01")
            .build(),
    );
    let i = g.intermediaries();
    assert_eq!(i.len(), 1);
    assert_eq!((i[0].received, i[0].pass_through), (Pence(0), None));
    // Organisations the loader did not list still get a node, sector unknown.
    assert_eq!(
        g.node("GB-CHC-B").map(|n| n.sector),
        Some(Some(Sector::Unknown))
    );
}

#[test]
fn self_grant_is_not_regranting() {
    let g = graph(
        &regranting()
            .grant("GB-CHC-T", "GB-CHC-T", 5, "2023-06-01")
            .build(),
    );
    assert_eq!(g.intermediaries().len(), 1);
    // The trust stays an original funder: 110 + 5.
    assert_eq!(g.money_from_original_funders(), Pence(11_500));
    assert_eq!(g.all_awards(), Pence(18_500));
}

#[test]
fn window_counts_flow_and_as_of_counts_active() {
    let mut data = regranting().build();
    // An older grant council → foundation, outside the window but active at as_of.
    data.grants[0].award_date = date("2022-09-01");
    let ctx = Context::new(
        &data,
        Some(date("2023-06-30")),
        Window {
            from: Some(date("2023-04-01")),
            to: Some(date("2024-03-31")),
        },
    );
    let g = build(&ctx, &Parameters::default());
    let f = g.funders_of(&org("GB-CHC-F"));
    assert_eq!((f[0].amount, f[0].grants), (Pence(0), 0));
    assert!(f[0].active_annual > 0.0);
    // The foundation received nothing in the window: not an intermediary, and an
    // original funder now.
    assert!(g.intermediaries().is_empty());
    assert_eq!(g.all_awards(), Pence(8_000));
    assert_eq!(g.money_from_original_funders(), Pence(8_000));
    // The edge still links the cluster.
    assert_eq!(g.clusters()[0].len(), 4);
}

#[test]
fn individuals_are_one_node_per_funder_and_no_key_is_written() {
    let g = graph(
        &regranting()
            .grant("GB-CHC-F", "person:424242", 3, "2023-06-01")
            .grant("GB-CHC-F", "person:515151", 4, "2023-06-01")
            .build(),
    );
    let r = g.recipients_of(&org("GB-CHC-F"));
    let people: Vec<_> = r
        .iter()
        .filter(|c| c.id.starts_with("individuals:"))
        .collect();
    assert_eq!(people.len(), 1);
    assert_eq!(people[0].id, "individuals:GB-CHC-F");
    assert_eq!((people[0].amount, people[0].grants), (Pence(700), 2));
    // Given now includes the people: 30 + 40 + 3 + 4.
    assert_eq!(g.intermediaries()[0].given, Pence(7_700));
    // Individuals are not organisations: not in any cluster list.
    assert_eq!(g.clusters()[0].len(), 4);
    for out in [to_dot(&g), to_graphml(&g), to_gexf(&g), to_json(&g)] {
        assert!(!out.contains("424242") && !out.contains("515151"));
    }
}

/// Partnership P (fundholder: council), one 2-hour meeting; see each row below.
fn partnership(payments: bool) -> Dataset {
    let b = regranting()
        .partnership("P", "GB-LAE-C", None)
        .partnership_name("The Partnership")
        .meeting("M1", "2023-07-01", None, None)
        // Council officer: statutory, salaried time: 2 paid hours.
        .row(1, Some("GB-LAE-C"), Status::Attended)
        // Group A, paid for this meeting: 1.5 paid hours.
        .row_hours(2, Some("GB-CHC-A"), Status::Attended, Some(1.5))
        // Group A, unpaid: 2 unpaid hours.
        .row(3, Some("GB-CHC-A"), Status::Attended)
        // Community member, expenses only: 2 unpaid hours.
        .row(4, None, Status::Attended)
        // Group B sent apologies: a row, no hours.
        .row(5, Some("GB-CHC-B"), Status::Apologies);
    if !payments {
        return b.build();
    }
    // Every payment from the council, dated the meeting's day.
    let person = |k| Payee::Person(PersonKey(k));
    b.pay(person(2), Some("M1"), None, PaymentType::Involvement)
        .paid("GB-LAE-C", 4_000, "2023-07-01")
        .pay(person(4), Some("M1"), None, PaymentType::Expenses)
        .paid("GB-LAE-C", 500, "2023-07-01")
        // Person 9 never attended: the council's individuals node.
        .pay(person(9), None, None, PaymentType::Honorarium)
        .paid("GB-LAE-C", 2_500, "2023-07-01")
        .pay(
            Payee::Org(org("GB-CHC-B")),
            None,
            None,
            PaymentType::Backfill,
        )
        .paid("GB-LAE-C", 6_000, "2023-07-01")
        .build()
}

fn edge<'g>(g: &'g MoneyGraph, from: &str, to: &str, kind: EdgeKind) -> Option<&'g Edge> {
    g.edges()
        .find(|(f, t, e)| f.id == from && t.id == to && e.kind() == kind)
        .map(|(_, _, e)| e)
}

#[test]
fn payments_go_to_the_persons_organisation_or_an_aggregate() {
    let data = partnership(true);
    let g = graph(&data);
    let amount = |to: &str| match edge(&g, "GB-LAE-C", to, EdgeKind::Payment) {
        Some(Edge::Payment(f)) => Some((f.amount, f.payments)),
        _ => None,
    };
    assert_eq!(amount("GB-CHC-A"), Some((Pence(4_000), 1)));
    assert_eq!(amount(&community_id()), Some((Pence(500), 1)));
    assert_eq!(amount("individuals:GB-LAE-C"), Some((Pence(2_500), 1)));
    assert_eq!(amount("GB-CHC-B"), Some((Pence(6_000), 1)));
}

#[test]
fn public_exports_leave_out_small_attendance_counts() {
    let data = partnership(true);
    let mut g = graph(&data);
    // Group A: 2 rows, 2 attended, 3.5 h. Plain exports carry the counts...
    let plain = to_json(&g);
    assert!(plain.contains("\"rows\": 2") && !plain.contains("disclosure"));
    g.public = true;
    let a = match edge(&g, "GB-CHC-A", "partnership:P", EdgeKind::Attendance) {
        Some(e) => g.export_figures(e),
        None => EdgeFigures::default(),
    };
    // ...public ones leave out every count below 8 but keep the hours.
    assert_eq!((a.rows, a.attended, a.hours), (None, None, Some(3.5)));
    for out in [to_dot(&g), to_graphml(&g), to_gexf(&g), to_json(&g)] {
        assert!(out.contains("disclosure control") || out.contains("\"disclosure\""));
        assert!(!out.contains("\"rows\": ") && !out.contains("rows=\""));
        assert!(!out.contains("e_rows\">") && !out.contains("for=\"rows\" value"));
    }
    // Money edges are untouched.
    let grant = match edge(&g, "GB-LAE-C", "GB-CHC-F", EdgeKind::Grant) {
        Some(e) => g.export_figures(e),
        None => EdgeFigures::default(),
    };
    assert_eq!((grant.amount, grant.grants), (Some(100.0), Some(1)));
}

#[test]
fn attendance_hours_split_paid_and_unpaid() {
    let data = partnership(true);
    let g = graph(&data);
    let p = |from: &str| match edge(&g, from, "partnership:P", EdgeKind::Attendance) {
        Some(Edge::Attendance(p)) => Some(*p),
        _ => None,
    };
    let council = p("GB-LAE-C").expect("council attended");
    assert_eq!((council.rows, council.attended, council.hours), (1, 1, 2.0));
    assert_eq!(
        (council.paid_hours, council.unpaid_hours),
        (Some(2.0), Some(0.0))
    );
    let a = p("GB-CHC-A").expect("group A attended");
    assert_eq!((a.rows, a.attended, a.hours), (2, 2, 3.5));
    assert_eq!((a.paid_hours, a.unpaid_hours), (Some(1.5), Some(2.0)));
    let c = p(&community_id()).expect("community member attended");
    assert_eq!((c.paid_hours, c.unpaid_hours), (Some(0.0), Some(2.0)));
    let b = p("GB-CHC-B").expect("group B has a row");
    assert_eq!((b.rows, b.attended, b.hours), (1, 0, 0.0));
    assert_eq!(
        edge(&g, "GB-LAE-C", "partnership:P", EdgeKind::Fundholder),
        Some(&Edge::Fundholder)
    );

    // Without payments.csv, payment is unknown: no split at all.
    let data = partnership(false);
    let g = graph(&data);
    match edge(&g, "GB-CHC-A", "partnership:P", EdgeKind::Attendance) {
        Some(Edge::Attendance(p)) => {
            assert_eq!((p.hours, p.paid_hours, p.unpaid_hours), (3.5, None, None))
        }
        other => panic!("no attendance edge: {other:?}"),
    }
    // Statutory time is salaried (statutory_time_is_paid), so the council's split is
    // known even without payments.csv, as in the participation measures.
    match edge(&g, "GB-LAE-C", "partnership:P", EdgeKind::Attendance) {
        Some(Edge::Attendance(p)) => {
            assert_eq!((p.paid_hours, p.unpaid_hours), (Some(2.0), Some(0.0)))
        }
        other => panic!("no attendance edge: {other:?}"),
    }
    // With statutory time not counted as paid, nothing is known without payments.csv.
    let params = Parameters {
        statutory_time_is_paid: false,
        ..Parameters::default()
    };
    let g = build(&Context::new(&data, None, Window::default()), &params);
    assert!(!to_json(&g).contains("paid_hours"));
}

#[test]
fn a_period_payment_to_the_organisation_covers_the_meeting() {
    let mut data = partnership(true);
    if let Some(p) = data.payments.as_mut() {
        p[3].period = Some((date("2023-04-01"), date("2023-09-30")));
        p[3].payee = Payee::Org(org("GB-CHC-A"));
    }
    let g = graph(&data);
    match edge(&g, "GB-CHC-A", "partnership:P", EdgeKind::Attendance) {
        Some(Edge::Attendance(p)) => {
            assert_eq!((p.paid_hours, p.unpaid_hours), (Some(3.5), Some(0.0)))
        }
        other => panic!("no attendance edge: {other:?}"),
    }
}

#[test]
fn nodes_and_edges_are_in_id_order() {
    let data = partnership(true);
    let g = graph(&data);
    let ids: Vec<&str> = g.nodes().map(|n| n.id.as_str()).collect();
    let mut sorted = ids.clone();
    sorted.sort_unstable();
    assert_eq!(ids, sorted);
    let keys: Vec<(&str, &str, EdgeKind)> = g
        .edges()
        .map(|(f, t, e)| (f.id.as_str(), t.id.as_str(), e.kind()))
        .collect();
    let mut sorted = keys.clone();
    sorted.sort();
    assert_eq!(keys, sorted);
    // Rebuilding gives the same bytes.
    assert_eq!(to_dot(&g), to_dot(&graph(&data)));
    assert_eq!(to_gexf(&g), to_gexf(&graph(&data)));
}

#[test]
fn exporters_escape_every_name() {
    let mut data = regranting().build();
    let nasty = "Tom & Jerry's \"Fund\" <b>\\n</b>\u{1}\n2nd line ✓ 🚀 Ελληνικά";
    if let Some(o) = data.organisations.get_mut(&org("GB-CHC-F")) {
        o.name = nasty.to_owned();
    }
    let g = graph(&data);
    let dot = to_dot(&g);
    assert!(dot.contains(
        "label=\"Tom & Jerry's \\\"Fund\\\" <b>\\\\n</b>\u{FFFD}\\n2nd line ✓ 🚀 Ελληνικά\""
    ));
    let expected_xml = "Tom &amp; Jerry&apos;s &quot;Fund&quot; &lt;b&gt;\\n&lt;/b&gt;\u{FFFD}&#10;2nd line ✓ 🚀 Ελληνικά";
    for xml in [to_graphml(&g), to_gexf(&g)] {
        assert!(xml.contains(expected_xml), "{xml}");
        assert!(!xml.contains('\u{1}'));
    }
    let json: serde_json::Value = serde_json::from_str(&to_json(&g)).expect("valid JSON");
    let label = json["nodes"]
        .as_array()
        .and_then(|n| n.iter().find(|n| n["id"] == "GB-CHC-F"))
        .map(|n| n["label"].clone());
    assert_eq!(label, Some(serde_json::Value::from(nasty)));
}

#[test]
fn colours_follow_the_okabe_ito_palette() {
    let data = partnership(true);
    let g = graph(&data);
    let dot = to_dot(&g);
    assert!(dot.contains("\"GB-LAE-C\" [label=\"Council\", kind=\"organisation\", sector=\"statutory\", shape=\"box\", fillcolor=\"#0072B2\""));
    assert!(dot.contains("fillcolor=\"#00A67A\""));
    assert!(dot.contains("fillcolor=\"#C4C4C4\""));
    assert!(dot.contains("\"partnership:P\" [label=\"The Partnership\", kind=\"partnership\", shape=\"hexagon\", fillcolor=\"#F0E442\""));
    assert!(dot.contains("fillcolor=\"#882255\""));
    let gexf = to_gexf(&g);
    assert!(gexf.contains("<viz:color r=\"0\" g=\"114\" b=\"178\"/>"));
    assert!(gexf.contains("<viz:color r=\"240\" g=\"228\" b=\"66\"/>"));
    assert_eq!(rgb(colour::PRIVATE), (230, 159, 0));
}

#[test]
fn every_exported_figure_is_declared() {
    let names: Vec<&str> = EdgeFigures::default()
        .fields()
        .iter()
        .map(|(n, _)| *n)
        .collect();
    let declared: Vec<&str> = EDGE_FIELDS.iter().map(|(n, _)| *n).collect();
    assert_eq!(names, declared);
    let json = serde_json::to_value(EdgeFigures {
        amount: Some(1.0),
        grants: Some(1),
        active_annual: Some(1.0),
        active_grants: Some(1),
        payments: Some(1),
        rows: Some(1),
        attended: Some(1),
        hours: Some(1.0),
        paid_hours: Some(1.0),
        unpaid_hours: Some(1.0),
    })
    .expect("serialises");
    let mut keys: Vec<&str> = json
        .as_object()
        .map(|o| o.keys().map(String::as_str).collect())
        .unwrap_or_default();
    keys.sort_unstable();
    let mut declared = declared;
    declared.sort_unstable();
    assert_eq!(keys, declared);
}

#[test]
fn empty_dataset_gives_empty_answers_and_valid_exports() {
    let data = Dataset::default();
    let g = graph(&data);
    assert_eq!((g.node_count(), g.edge_count()), (0, 0));
    assert!(g.intermediaries().is_empty() && g.clusters().is_empty());
    assert_eq!(
        (g.all_awards(), g.money_from_original_funders()),
        (Pence(0), Pence(0))
    );
    assert!(to_dot(&g).ends_with("}\n"));
    assert!(to_gexf(&g).contains("<nodes count=\"0\">"));
    let json: serde_json::Value = serde_json::from_str(&to_json(&g)).expect("JSON");
    assert_eq!(json["nodes"], serde_json::json!([]));
}

#[test]
fn numbers_print_plainly() {
    assert_eq!(Num::Real(230_000.0).to_string(), "230000");
    assert_eq!(Num::Real(round2(0.1 + 0.2)).to_string(), "0.3");
    assert_eq!(Num::Real(-0.0).to_string(), "0");
    assert_eq!(Num::Real(1e21).to_string(), "1000000000000000000000");
    assert_eq!(Num::Int(7).to_string(), "7");
}
