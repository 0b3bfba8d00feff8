//! Rendering an object as the API server would (`api::json`) and parsing that JSON back as a
//! manifest (`api::manifest`) gives the same object: the two halves agree on every modelled
//! field's name, placement and defaulting.

use kubesim::api::json::to_json;
use kubesim::api::manifest::{parse_manifests, parse_value};

#[test]
fn manifests_round_trip_through_json() {
    let files = [
        include_str!("data/manifests/nginx-deployment.yaml"),
        include_str!("data/manifests/job-pi.yaml"),
        include_str!("data/manifests/guestbook-legacy.yaml"),
        include_str!("data/manifests/web-app.yaml"),
        include_str!("data/manifests/node-lease.yaml"),
        include_str!("../../scenarios/manifests/web-pods.yaml"),
    ];
    let mut checked = 0;
    for text in files {
        for parsed in parse_manifests(text, "test.yaml").expect("test manifests parse") {
            let json = to_json(&parsed.object);
            let back = parse_value(json.clone(), "roundtrip", 0)
                .unwrap_or_else(|e| panic!("{e}\n{json:#}"));
            assert_eq!(
                back.object, parsed.object,
                "round trip changed {}:\n{json:#}",
                parsed.object.meta.name
            );
            let unexpected: Vec<_> = back
                .warnings
                .iter()
                .filter(|w| !w.message.contains("timestamp"))
                .collect();
            assert!(
                unexpected.is_empty(),
                "{} warnings on our own JSON: {:?}",
                parsed.object.meta.name,
                unexpected.iter().map(|w| w.to_string()).collect::<Vec<_>>()
            );
            checked += 1;
        }
    }
    assert!(checked >= 8, "checked {checked} objects");
}
