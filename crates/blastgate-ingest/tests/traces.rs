//! Integration tests of the trace-derived loaders: Jaeger and Zipkin
//! dependency links, and servicegraph metrics from the Prometheus API.

use blastgate_graph::{BuildOptions, Dependency, EdgeKind, GraphBuilder, GraphError, GraphFragment, ServiceGraph};
use blastgate_ingest::traces::{parse_jaeger, parse_prometheus};
use blastgate_ingest::{Format, detect};

/// Helpers; in a `cfg(test)` module so that clippy's test allowances
/// (unwrap, panic, indexing) apply to them as to the tests.
#[cfg(test)]
mod support {
    use super::*;

    /// Reads a file of `tests/data/traces/`.
    pub fn data(name: &str) -> Vec<u8> {
        let path = format!("{}/tests/data/traces/{name}", env!("CARGO_MANIFEST_DIR"));
        std::fs::read(&path).unwrap_or_else(|e| panic!("cannot read {path}: {e}"))
    }

    pub fn build(fragment: GraphFragment) -> ServiceGraph {
        let mut builder = GraphBuilder::new(BuildOptions::default());
        builder.add(fragment).unwrap();
        builder.build().unwrap()
    }

    /// The edge `from -> to`, which must exist.
    pub fn edge<'g>(graph: &'g ServiceGraph, from: &str, to: &str) -> &'g Dependency {
        graph
            .dependencies()
            .find(|(a, b, _)| a.id() == from && b.id() == to)
            .map(|(_, _, d)| d)
            .unwrap_or_else(|| panic!("no edge `{from}` -> `{to}`"))
    }

    /// `(calls, errors)` of the edge `from -> to`.
    pub fn counts(graph: &ServiceGraph, from: &str, to: &str) -> (u64, u64) {
        let o = edge(graph, from, to).observation().unwrap_or_else(|| panic!("edge `{from}` -> `{to}` has no counts"));
        (o.calls, o.errors)
    }

    /// Asserts the error kind and that the message holds every fragment.
    pub fn assert_error(err: &GraphError, kind: &str, fragments: &[&str]) {
        let text = err.to_string();
        assert_eq!(err.kind_name(), kind, "{text}");
        for fragment in fragments {
            assert!(text.contains(fragment), "`{fragment}` not in: {text}");
        }
    }

    pub fn jaeger_err(json: &str) -> GraphError {
        parse_jaeger("deps.json", json.as_bytes()).unwrap_err()
    }

    pub fn prom_err(json: &str) -> GraphError {
        parse_prometheus("query.json", json.as_bytes()).unwrap_err()
    }

    /// An instant-query answer with one series of `metric` labels and `value`.
    pub fn vector_answer(metric: &str, value: &str) -> String {
        format!(
            r#"{{"status":"success","data":{{"resultType":"vector","result":[{{"metric":{metric},"value":[1700000000.123,{value}]}}]}}}}"#
        )
    }

    pub const REQUESTS: &str = r#"{"__name__":"traces_service_graph_request_total","client":"frontend","server":"cartservice","connection_type":""}"#;

    /// One edge as comparable data: dependent, dependency, counts, kind.
    pub type EdgeRow = (String, String, Option<(u64, u64)>, EdgeKind);
}

use support::*;

// ---- Jaeger and Zipkin ----

#[test]
fn jaeger_hotrod_array() {
    let bytes = data("jaeger-hotrod.json");
    assert_eq!(detect("jaeger-hotrod.json", &bytes).unwrap(), Format::Jaeger);
    let fragment = parse_jaeger("jaeger-hotrod.json", &bytes).unwrap();
    assert_eq!((fragment.node_count(), fragment.edge_count()), (6, 5));
    let graph = build(fragment);
    assert_eq!((graph.node_count(), graph.edge_count()), (6, 5));
    assert_eq!(counts(&graph, "frontend", "customer"), (25, 0));
    assert_eq!(counts(&graph, "frontend", "route"), (250, 0));
    assert_eq!(counts(&graph, "driver", "redis"), (355, 0));
    assert_eq!(counts(&graph, "customer", "mysql"), (25, 0));
    assert!(graph.dependencies().all(|(_, _, d)| d.kind() == EdgeKind::Sync));
    assert!(graph.warnings().is_empty(), "{:?}", graph.warnings());
}

#[test]
fn jaeger_envelope_equals_array() {
    let bytes = data("jaeger-hotrod-envelope.json");
    assert_eq!(detect("jaeger-hotrod-envelope.json", &bytes).unwrap(), Format::Jaeger);
    let enveloped = build(parse_jaeger("jaeger-hotrod-envelope.json", &bytes).unwrap());
    let bare = build(parse_jaeger("jaeger-hotrod.json", &data("jaeger-hotrod.json")).unwrap());
    let edges = |g: &ServiceGraph| -> Vec<EdgeRow> {
        g.dependencies()
            .map(|(a, b, d)| {
                (a.id().to_owned(), b.id().to_owned(), d.observation().map(|o| (o.calls, o.errors)), d.kind())
            })
            .collect()
    };
    assert_eq!(edges(&enveloped), edges(&bare));
    assert_eq!(enveloped.node_count(), 6);
}

#[test]
fn zipkin_error_counts() {
    let bytes = data("zipkin-dependencies.json");
    assert_eq!(detect("zipkin-dependencies.json", &bytes).unwrap(), Format::Jaeger);
    let graph = build(parse_jaeger("zipkin-dependencies.json", &bytes).unwrap());
    assert_eq!((graph.node_count(), graph.edge_count()), (7, 7));
    assert_eq!(counts(&graph, "api-gateway", "checkout"), (1200, 14));
    assert_eq!(counts(&graph, "checkout", "payments"), (980, 31));
    // Kafka is a broker: its link to a consumer is also read consumer ->
    // broker, beside the link as traced.
    assert_eq!(counts(&graph, "fulfillment", "kafka"), (1169, 2));
    assert_eq!(counts(&graph, "kafka", "fulfillment"), (1169, 2));
    // Zipkin leaves out `errorCount` when it is zero.
    assert_eq!(counts(&graph, "payments", "postgres"), (980, 0));
}

#[test]
fn jaeger_duplicates_are_summed_and_unknown_fields_ignored() {
    let json = r#"[
        {"parent": "a", "child": "b", "callCount": 3, "source": "jaeger", "x-exporter": {"v": 1}},
        {"parent": "a", "child": "b", "callCount": 4, "errorCount": 1}
    ]"#;
    let fragment = parse_jaeger("deps.json", json.as_bytes()).unwrap();
    assert_eq!((fragment.node_count(), fragment.edge_count()), (2, 2));
    let graph = build(fragment);
    assert_eq!(graph.edge_count(), 1);
    assert_eq!(counts(&graph, "a", "b"), (7, 1));
}

#[test]
fn jaeger_error_count_may_exceed_call_count() {
    let graph =
        build(parse_jaeger("deps.json", br#"[{"parent":"a","child":"b","callCount":1,"errorCount":5}]"#).unwrap());
    assert_eq!(counts(&graph, "a", "b"), (1, 5));
}

#[test]
fn jaeger_protobuf_spelling_of_call_count() {
    let graph = build(parse_jaeger("deps.json", br#"[{"parent":"a","child":"b","call_count":9}]"#).unwrap());
    assert_eq!(counts(&graph, "a", "b"), (9, 0));
}

/// A link from a service to itself is dropped with a warning naming the
/// file and the link: it said "(merged graph)", naming neither (an audit).
#[test]
fn jaeger_self_call_is_dropped_naming_its_link() {
    let text = br#"{"data": [{"parent":"a","child":"b","callCount":1}, {"parent":"a","child":"a","callCount":2}]}"#;
    let fragment = parse_jaeger("deps.json", text).unwrap();
    assert_eq!((fragment.node_count(), fragment.edge_count()), (2, 1));
    let graph = build(fragment);
    assert_eq!((graph.node_count(), graph.edge_count()), (2, 1));
    let shown: Vec<String> = graph.warnings().iter().map(ToString::to_string).collect();
    let expected = "deps.json: $.data[1]: self-loop dropped: `a` depends on itself, which adds no blast radius";
    assert_eq!(shown, [expected]);
}

#[test]
fn prometheus_self_call_is_dropped_naming_its_series() {
    let text = br#"{"status":"success","data":{"resultType":"vector","result":[
        {"metric":{"client":"x","server":"y"},"value":[1,"3"]},
        {"metric":{"client":"x","server":"x"},"value":[1,"3"]}]}}"#;
    let graph = build(parse_prometheus("prom.json", text).unwrap());
    assert_eq!(graph.edge_count(), 1);
    let shown: Vec<String> = graph.warnings().iter().map(ToString::to_string).collect();
    assert_eq!(
        shown,
        ["prom.json: $.data.result[1]: self-loop dropped: `x` depends on itself, which adds no blast radius"]
    );
}

/// An answer with no links loads as an empty fragment, but no longer
/// without a word (audit): a query over the wrong time range observes
/// nothing, and the graph would lose every edge it should have held. The
/// warning reaches the built graph, and so assessments (`graph-warnings`).
#[test]
fn jaeger_empty_answers_warn_that_no_calls_were_observed() {
    for (json, place) in [("[]", "$"), (r#"{"data":[],"total":0,"limit":0,"offset":0,"errors":null}"#, "$.data")] {
        let fragment = parse_jaeger("deps.json", json.as_bytes()).unwrap();
        assert_eq!((fragment.node_count(), fragment.edge_count()), (0, 0), "{json}");
        let warnings = fragment.warnings();
        assert_eq!(warnings.len(), 1, "{json}: {warnings:?}");
        assert_eq!(warnings[0].place(), place);
        let text = warnings[0].to_string();
        assert!(text.contains("deps.json") && text.contains("observed no calls"), "{text}");
        assert!(text.contains("time range or lookback"), "{text}");
        let graph = build(fragment);
        assert!(graph.warnings().iter().any(|w| w.message().contains("observed no calls")), "{:?}", graph.warnings());
    }
    let fragment = parse_jaeger("deps.json", br#"[{"parent":"a","child":"b","callCount":1}]"#).unwrap();
    assert!(fragment.warnings().is_empty(), "{:?}", fragment.warnings());
}

#[test]
fn jaeger_missing_parent() {
    let err = jaeger_err(r#"[{"parent":"a","child":"b","callCount":1},{"child":"c","callCount":2}]"#);
    assert_error(&err, "schema", &["deps.json", "[1]", "missing field `parent`"]);
}

#[test]
fn jaeger_missing_child_in_envelope() {
    let err = jaeger_err(r#"{"data":[{"parent":"a","callCount":2}]}"#);
    assert_error(&err, "schema", &["$.data[0]", "missing field `child`"]);
}

#[test]
fn jaeger_missing_call_count() {
    let err = jaeger_err(r#"[{"parent":"a","child":"b"}]"#);
    assert_error(&err, "schema", &["[0]", "missing field `callCount`"]);
}

#[test]
fn jaeger_empty_name() {
    let err =
        jaeger_err(r#"{"data":[{"parent":"a","child":"b","callCount":1},{"parent":"a","child":"","callCount":1}]}"#);
    assert_error(&err, "invalid_value", &["$.data[1].child", "node id is empty"]);
    let err = jaeger_err(r#"[{"parent":"","child":"b","callCount":1}]"#);
    assert_error(&err, "invalid_value", &["$[0].parent", "node id is empty"]);
}

#[test]
fn jaeger_control_character_in_name() {
    let err = jaeger_err(r#"[{"parent":"a\u0007","child":"b","callCount":1}]"#);
    assert_error(&err, "invalid_value", &["$[0].parent", "control character"]);
}

#[test]
fn jaeger_wrong_types() {
    let err = jaeger_err(r#"[{"parent":"a","child":"b","callCount":"42"}]"#);
    assert_error(&err, "schema", &["[0].callCount", "invalid type: string \"42\""]);
    let err = jaeger_err(r#"{"data":[{"parent":7,"child":"b","callCount":1}]}"#);
    assert_error(&err, "schema", &["$.data[0].parent", "invalid type: integer `7`"]);
    let err = jaeger_err(r#"[{"parent":"a","child":"b","callCount":1,"errorCount":true}]"#);
    assert_error(&err, "schema", &["[0].errorCount", "invalid type: boolean"]);
    let err = jaeger_err(r#"{"data":{"parent":"a"}}"#);
    assert_error(&err, "schema", &["$.data", "expected a sequence"]);
    let err = jaeger_err(r#""frontend -> redis""#);
    assert_error(&err, "schema", &["expected a sequence"]);
}

#[test]
fn jaeger_negative_and_fractional_counts() {
    let err = jaeger_err(r#"[{"parent":"a","child":"b","callCount":-1}]"#);
    assert_error(&err, "invalid_value", &["[0].callCount", "-1"]);
    let err = jaeger_err(r#"[{"parent":"a","child":"b","callCount":2.5}]"#);
    assert_error(&err, "schema", &["[0].callCount", "2.5"]);
    let err = jaeger_err(r#"[{"parent":"a","child":"b","callCount":1,"errorCount":-3}]"#);
    assert_error(&err, "invalid_value", &["[0].errorCount", "-3"]);
}

#[test]
fn jaeger_envelope_without_data() {
    let err = jaeger_err(
        r#"{"data":null,"total":0,"limit":0,"offset":0,"errors":[{"code":400,"msg":"unable to parse param 'endTs'"}]}"#,
    );
    assert_error(&err, "schema", &["$.errors[0].msg", "answered with an error", "unable to parse param 'endTs'"]);
    let err = jaeger_err(r#"{"total":0}"#);
    assert_error(&err, "schema", &["$.data", "no `data` array"]);
    // Errors beside an empty `data`: the query failed, the system is not
    // empty.
    let err = jaeger_err(r#"{"data":[],"errors":[{"code":503,"msg":"storage unavailable"}]}"#);
    assert_error(&err, "schema", &["$.errors[0].msg", "answered with an error", "storage unavailable"]);
}

#[test]
fn jaeger_truncated_json() {
    let err = jaeger_err(r#"[{"parent":"frontend","child":"redis","callCount":4"#);
    assert_error(&err, "syntax", &["deps.json", "line 1"]);
    let err = jaeger_err("");
    assert_error(&err, "syntax", &["line 1"]);
}

#[test]
fn jaeger_invalid_utf8() {
    let err = parse_jaeger("deps.json", b"[{\"parent\":\"a\xff\"}]").unwrap_err();
    assert_error(&err, "syntax", &["invalid UTF-8", "byte 13"]);
}

#[test]
fn jaeger_deep_nesting() {
    let json =
        format!("[{{\"parent\":\"a\",\"child\":\"b\",\"callCount\":1,\"x\":{}{}}}]", "[".repeat(200), "]".repeat(200));
    let err = jaeger_err(&json);
    assert_error(&err, "limit_exceeded", &["max_nesting_depth"]);
}

// ---- Prometheus servicegraph metrics ----

#[test]
fn prometheus_vector_with_prefixed_names() {
    let bytes = data("prometheus-vector.json");
    assert_eq!(detect("prometheus-vector.json", &bytes).unwrap(), Format::Prometheus);
    let fragment = parse_prometheus("prometheus-vector.json", &bytes).unwrap();
    // user, frontend, cartservice, checkoutservice, paymentservice,
    // accountingservice, redis; the histogram and unpaired-span series add
    // nothing.
    assert_eq!((fragment.node_count(), fragment.edge_count()), (7, 6));
    assert!(fragment.warnings().is_empty(), "{:?}", fragment.warnings());
    let graph = build(fragment);
    assert_eq!((graph.node_count(), graph.edge_count()), (7, 6));
    // Two collector replicas report the same pair: the series sum.
    assert_eq!(counts(&graph, "frontend", "cartservice"), (3000, 0));
    // Total and failed counters combine into one edge.
    assert_eq!(counts(&graph, "frontend", "checkoutservice"), (311, 9));
    assert_eq!(counts(&graph, "checkoutservice", "paymentservice"), (302, 17));
    assert_eq!(counts(&graph, "user", "frontend"), (4210, 0));
    assert_eq!(edge(&graph, "user", "frontend").kind(), EdgeKind::Sync);
    assert_eq!(edge(&graph, "frontend", "cartservice").kind(), EdgeKind::Sync);
    // A messaging pair: the consumer depends on the producer.
    assert_eq!(edge(&graph, "accountingservice", "checkoutservice").kind(), EdgeKind::Async);
    assert_eq!(counts(&graph, "accountingservice", "checkoutservice"), (285, 0));
    assert_eq!(edge(&graph, "cartservice", "redis").kind(), EdgeKind::Data);
    assert_eq!(counts(&graph, "cartservice", "redis"), (6120, 0));
}

#[test]
fn prometheus_matrix_takes_the_last_sample() {
    let bytes = data("prometheus-matrix.json");
    assert_eq!(detect("prometheus-matrix.json", &bytes).unwrap(), Format::Prometheus);
    let graph = build(parse_prometheus("prometheus-matrix.json", &bytes).unwrap());
    assert_eq!((graph.node_count(), graph.edge_count()), (4, 3));
    // Series without `__name__` (from `sum by`) count calls; values round.
    assert_eq!(counts(&graph, "shop-backend", "auth"), (1203, 0));
    assert_eq!(counts(&graph, "shop-backend", "billing"), (411, 0));
    assert_eq!(counts(&graph, "billing", "postgres"), (822, 0));
    assert_eq!(edge(&graph, "billing", "postgres").kind(), EdgeKind::Data);
}

/// A sample is exactly `[timestamp, "value"]`: one of three elements, in
/// a vector or a matrix, is a schema error at the sample, not "trailing
/// characters", a JSON syntax error in a well-formed file (a red-team
/// finding).
#[test]
fn prometheus_sample_of_three_is_a_schema_error_at_the_sample() {
    let result = r#"{"status":"success","data":{"resultType":"vector","result":[{"metric":{"client":"a","server":"b"},"value":[1,"5",3]}]}}"#;
    let e = parse_prometheus("q.json", result.as_bytes()).err().unwrap();
    assert_eq!(e.kind_name(), "schema", "{e}");
    assert!(e.to_string().contains("$.data.result[0].value"), "{e}");
    assert!(e.to_string().contains("invalid length 3, expected a sample of two"), "{e}");
    let matrix = r#"{"status":"success","data":{"resultType":"matrix","result":[{"metric":{"client":"a","server":"b"},"values":[[1,"5"],[2,"7",9]]}]}}"#;
    let e = parse_prometheus("q.json", matrix.as_bytes()).err().unwrap();
    assert!(e.to_string().contains("$.data.result[0].values[1]"), "{e}");
}

/// The largest count a `u64` holds is read exactly (read as a float it
/// rounded to 2^64 and was refused as too large); one more is refused.
#[test]
fn prometheus_largest_count_is_read_exactly() {
    let metric = r#"{"__name__":"traces_service_graph_request_total","client":"a","server":"b"}"#;
    let graph =
        build(parse_prometheus("q.json", vector_answer(metric, r#""18446744073709551615""#).as_bytes()).unwrap());
    assert_eq!(counts(&graph, "a", "b"), (u64::MAX, 0));
    let e = parse_prometheus("q.json", vector_answer(metric, r#""18446744073709551616""#).as_bytes()).err().unwrap();
    assert!(e.to_string().contains("too large for a call count"), "{e}");
}

#[test]
fn prometheus_failed_only_pair_is_an_edge() {
    let metric = r#"{"__name__":"traces_service_graph_request_failed_total","client":"a","server":"b"}"#;
    let graph = build(parse_prometheus("query.json", vector_answer(metric, r#""5""#).as_bytes()).unwrap());
    assert_eq!(counts(&graph, "a", "b"), (0, 5));
}

#[test]
fn prometheus_unprefixed_and_exact_suffix_names() {
    for name in [
        "traces_service_graph_request_total",
        "service_graph_request_total",
        "tempo_traces_service_graph_request_total",
    ] {
        let metric = format!(r#"{{"__name__":"{name}","client":"a","server":"b"}}"#);
        let fragment = parse_prometheus("query.json", vector_answer(&metric, r#""1""#).as_bytes()).unwrap();
        assert_eq!(fragment.edge_count(), 1, "{name}");
    }
    // A name that only ends like ours is not ours.
    let metric = r#"{"__name__":"myservice_graph_request_total","client":"a","server":"b"}"#;
    let fragment = parse_prometheus("query.json", vector_answer(metric, r#""1""#).as_bytes()).unwrap();
    assert_eq!(fragment.edge_count(), 0);
    let warnings: Vec<String> = fragment.warnings().iter().map(ToString::to_string).collect();
    assert_eq!(warnings.len(), 2, "{warnings:?}");
    assert!(warnings[0].contains("not a servicegraph metric"), "{warnings:?}");
    assert!(warnings[1].contains("observed no calls"), "{warnings:?}");
}

#[test]
fn prometheus_foreign_metric_is_ignored_with_a_warning() {
    let metric = r#"{"__name__":"up","job":"otelcol","instance":"otelcol-0:8889"}"#;
    let fragment = parse_prometheus("query.json", vector_answer(metric, r#""1""#).as_bytes()).unwrap();
    assert_eq!((fragment.node_count(), fragment.edge_count()), (0, 0));
    let warnings: Vec<String> = fragment.warnings().iter().map(ToString::to_string).collect();
    assert_eq!(warnings.len(), 2);
    assert!(warnings[0].contains("`up` is not a servicegraph metric"), "{warnings:?}");
    assert!(warnings[1].contains("observed no calls"), "{warnings:?}");
}

/// A successful answer with an empty result, as after a query over a time
/// range with no traffic, warns that no calls were observed (audit: it
/// used to load as an empty graph without a word).
#[test]
fn prometheus_empty_result_warns_that_no_calls_were_observed() {
    for result_type in ["vector", "matrix"] {
        let json = format!(r#"{{"status":"success","data":{{"resultType":"{result_type}","result":[]}}}}"#);
        let fragment = parse_prometheus("query.json", json.as_bytes()).unwrap();
        assert_eq!((fragment.node_count(), fragment.edge_count()), (0, 0));
        let warnings = fragment.warnings();
        assert_eq!(warnings.len(), 1, "{warnings:?}");
        assert_eq!(warnings[0].place(), "$.data.result");
        let text = warnings[0].to_string();
        assert!(text.contains("query.json") && text.contains("observed no calls"), "{text}");
        assert!(text.contains("time range or lookback"), "{text}");
    }
}

/// A `success` answer with `warnings` is a partial response (Thanos,
/// Cortex and Mimir answer so when a store is unavailable): series, and
/// so edges, may be missing. It used to load without a word; it is
/// refused, quoting the first warning (audit). An empty `warnings` array
/// is a complete answer.
#[test]
fn prometheus_partial_response_warnings_are_errors() {
    let json = r#"{"status":"success","data":{"resultType":"vector","result":[
        {"metric":{"__name__":"traces_service_graph_request_total","client":"a","server":"b"},"value":[1,"3"]}
    ]},"warnings":["No StoreAPIs matched for this query","store 10.0.0.7:10901 unavailable"]}"#;
    let err = prom_err(json);
    assert_error(
        &err,
        "schema",
        &[
            "query.json",
            "$.warnings[0]",
            "`No StoreAPIs matched for this query`",
            "2 warnings",
            "partial",
            "query again",
        ],
    );
    let one = json.replace(r#","store 10.0.0.7:10901 unavailable""#, "");
    assert_error(&prom_err(&one), "schema", &["1 warning:", "`No StoreAPIs matched for this query`"]);
    let complete = json.replace(r#"["No StoreAPIs matched for this query","store 10.0.0.7:10901 unavailable"]"#, "[]");
    let fragment = parse_prometheus("query.json", complete.as_bytes()).unwrap();
    assert_eq!(fragment.edge_count(), 1);
    assert!(fragment.warnings().is_empty(), "{:?}", fragment.warnings());
    // An error status is still reported as such, warnings or not.
    let failed = r#"{"status":"error","errorType":"timeout","error":"query timed out","warnings":["x"]}"#;
    assert_error(&prom_err(failed), "schema", &["$.status", "`timeout`"]);
}

#[test]
fn prometheus_unknown_connection_type_states_no_kind_with_a_warning() {
    let metric = r#"{"__name__":"traces_service_graph_request_total","client":"a","server":"b","connection_type":"carrier_pigeon"}"#;
    let fragment = parse_prometheus("query.json", vector_answer(metric, r#""3""#).as_bytes()).unwrap();
    assert_eq!(fragment.warnings().len(), 1);
    assert!(fragment.warnings()[0].message().contains("carrier_pigeon"));
    let graph = build(fragment);
    assert_eq!(edge(&graph, "a", "b").kind(), EdgeKind::Sync);
}

#[test]
fn prometheus_specific_connection_type_wins_over_unset() {
    let json = r#"{"status":"success","data":{"resultType":"vector","result":[
        {"metric":{"__name__":"traces_service_graph_request_total","client":"a","server":"db","connection_type":"virtual_node"},"value":[1,"2"]},
        {"metric":{"__name__":"traces_service_graph_request_total","client":"a","server":"db","connection_type":"database"},"value":[1,"3"]},
        {"metric":{"__name__":"traces_service_graph_request_total","client":"a","server":"db","connection_type":"messaging_system"},"value":[1,"4"]}
    ]}}"#;
    let fragment = parse_prometheus("query.json", json.as_bytes()).unwrap();
    assert!(fragment.warnings().is_empty(), "{:?}", fragment.warnings());
    let graph = build(fragment);
    assert_eq!(edge(&graph, "a", "db").kind(), EdgeKind::Data);
    assert_eq!(counts(&graph, "a", "db"), (5, 0));
    // The messaging series pairs a producer (`a`) with a consumer (`db`):
    // the consumer depends on the producer.
    assert_eq!(edge(&graph, "db", "a").kind(), EdgeKind::Async);
    assert_eq!(counts(&graph, "db", "a"), (4, 0));
}

/// `messaging_system` pairs a producer (client) with a consumer (server);
/// it was read client -> server, so a producer's change (a new message
/// schema) reached none of its consumers (an audit). The consumer depends
/// on the producer.
#[test]
fn prometheus_messaging_consumer_depends_on_producer() {
    let json = r#"{"status":"success","data":{"resultType":"vector","result":[
 {"metric":{"__name__":"traces_service_graph_request_total","client":"checkout","server":"shipping","connection_type":"messaging_system"},"value":[1700000000,"70"]}
]}}"#;
    let graph = build(parse_prometheus("otel-servicegraph.json", json.as_bytes()).unwrap());
    assert_eq!(graph.edge_count(), 1);
    assert_eq!(edge(&graph, "shipping", "checkout").kind(), EdgeKind::Async);
    assert_eq!(counts(&graph, "shipping", "checkout"), (70, 0));
}

/// Zipkin's links for messaging run producer -> broker -> consumer; the
/// broker's links were read as the broker depending on its consumers, so a
/// change to `kafka` reached only its producer (an audit). A broker named
/// as instrumentation names it is a queue, and its links are also read the
/// other way: each consumer depends on it. The links as traced are kept (a
/// red-team pass: a kind claimed by another file must not take an
/// observed call away).
#[test]
fn zipkin_messaging_links_through_a_broker() {
    let json = r#"[
  {"parent": "orders", "child": "kafka", "callCount": 120},
  {"parent": "kafka", "child": "shipping", "callCount": 120},
  {"parent": "kafka", "child": "billing", "callCount": 118}
]"#;
    let graph = build(parse_jaeger("zipkin-deps.json", json.as_bytes()).unwrap());
    let mut set: Vec<(&str, &str)> = graph.dependencies().map(|(a, b, _)| (a.id(), b.id())).collect();
    set.sort_unstable();
    assert_eq!(
        set,
        [("billing", "kafka"), ("kafka", "billing"), ("kafka", "shipping"), ("orders", "kafka"), ("shipping", "kafka")]
    );
    assert_eq!(edge(&graph, "shipping", "kafka").kind(), EdgeKind::Async);
    assert_eq!(counts(&graph, "billing", "kafka"), (118, 0));
    let warnings: Vec<String> = graph.warnings().iter().map(ToString::to_string).collect();
    assert_eq!(
        warnings,
        [
            "zipkin-deps.json: `kafka` is a queue: its 2 links to consumers (broker -> consumer in traces) also make each consumer depend on it (the links as traced are kept)"
        ]
    );
}

/// A broker that a catalog (or another source) types as a queue, whatever
/// its name, has its links read the other way too; a service that a more trusted source
/// says is not a queue keeps its links as calls, whatever its name.
#[test]
fn trace_links_follow_the_merged_kind() {
    use blastgate_graph::{NodeKind, NodeSpec, Origin};
    let json = br#"[
  {"parent": "orders", "child": "events", "callCount": 3},
  {"parent": "events", "child": "shipping", "callCount": 3},
  {"parent": "kafka", "child": "registry", "callCount": 1}
]"#;
    let mut declared = GraphFragment::new("graph.yaml", Origin::Declared);
    let queue = NodeSpec { kind: Some(NodeKind::Queue), ..NodeSpec::default() };
    declared.declare("events", queue, String::new).unwrap();
    let service = NodeSpec { kind: Some(NodeKind::Service), ..NodeSpec::default() };
    declared.declare("kafka", service, String::new).unwrap();
    let mut builder = GraphBuilder::new(BuildOptions::default());
    builder.add(parse_jaeger("deps.json", json).unwrap()).unwrap();
    builder.add(declared).unwrap();
    let graph = builder.build().unwrap();
    let mut set: Vec<(&str, &str)> = graph.dependencies().map(|(a, b, _)| (a.id(), b.id())).collect();
    set.sort_unstable();
    assert_eq!(set, [("events", "shipping"), ("kafka", "registry"), ("orders", "events"), ("shipping", "events")]);
}

#[test]
fn prometheus_disagreeing_kinds_keep_data_in_either_order() {
    let series = |t: &str| {
        format!(
            r#"{{"metric":{{"__name__":"traces_service_graph_request_total","client":"a","server":"db","connection_type":"{t}"}},"value":[1,"2"]}}"#
        )
    };
    for (first, second) in [("database", "messaging_system"), ("messaging_system", "database")] {
        let json = format!(
            r#"{{"status":"success","data":{{"resultType":"vector","result":[{},{}]}}}}"#,
            series(first),
            series(second)
        );
        let graph = build(parse_prometheus("query.json", json.as_bytes()).unwrap());
        assert_eq!(edge(&graph, "a", "db").kind(), EdgeKind::Data, "{first} then {second}");
    }
}

#[test]
fn traces_do_not_lighten_a_declared_datastore_edge() {
    // Spans say web calls db, not how: the declared datastore's edge stays
    // a data edge (0.95), not the sync of a guess (0.9).
    let declared = blastgate_ingest::parse(
        "graph.yaml",
        b"apiVersion: blastgate.dev/v1\nkind: ServiceGraph\nservices: [{id: web}, {id: db, kind: datastore}]\ndependencies: [{dependent: web, dependency: db}]\n",
        None,
    )
    .unwrap();
    let jaeger = parse_jaeger("traces.json", br#"[{"parent":"web","child":"db","callCount":100}]"#).unwrap();
    let prometheus = parse_prometheus(
        "query.json",
        vector_answer(r#"{"__name__":"traces_service_graph_request_total","client":"web","server":"db"}"#, r#""5""#)
            .as_bytes(),
    )
    .unwrap();
    let mut builder = GraphBuilder::new(BuildOptions::default());
    for f in [declared, jaeger, prometheus] {
        builder.add(f).unwrap();
    }
    let graph = builder.build().unwrap();
    let dep = edge(&graph, "web", "db");
    assert_eq!(dep.kind(), EdgeKind::Data);
    assert_eq!(dep.probability().get().to_bits(), 0.95_f64.to_bits());
    assert_eq!(counts(&graph, "web", "db"), (105, 0));
}

#[test]
fn prometheus_rejects_non_finite_and_negative_values() {
    for value in ["NaN", "+Inf", "-Inf", "-3", "-0.6"] {
        let err = prom_err(&vector_answer(REQUESTS, &format!("\"{value}\"")));
        assert_error(
            &err,
            "invalid_value",
            &["query.json", "$.data.result[0].value[1]", "finite, non-negative", &format!("`{value}`")],
        );
    }
}

#[test]
fn prometheus_rejects_non_numeric_values() {
    for value in ["abc", "", "42 calls", "0x10"] {
        let err = prom_err(&vector_answer(REQUESTS, &format!("\"{value}\"")));
        assert_error(&err, "invalid_value", &["$.data.result[0].value[1]", "not a number"]);
    }
    let err = prom_err(&vector_answer(REQUESTS, r#""1e30""#));
    assert_error(&err, "invalid_value", &["$.data.result[0].value[1]", "too large", "`1e30`"]);
}

#[test]
fn prometheus_value_rounding() {
    for (value, calls) in
        [("0.4", 0), ("0.5", 1), ("-0", 0), ("1.5e3", 1500), ("18446744073709549568", u64::MAX - 2047)]
    {
        let graph =
            build(parse_prometheus("query.json", vector_answer(REQUESTS, &format!("\"{value}\"")).as_bytes()).unwrap());
        assert_eq!(counts(&graph, "frontend", "cartservice"), (calls, 0), "{value}");
    }
}

#[test]
fn prometheus_bad_matrix_sample_names_its_place() {
    let json = r#"{"status":"success","data":{"resultType":"matrix","result":[
        {"metric":{"client":"a","server":"b"},"values":[[1,"1"],[2,"2"]]},
        {"metric":{"client":"a","server":"c"},"values":[[1,"1"],[2,"2"],[3,"NaN"]]}
    ]}}"#;
    let err = prom_err(json);
    assert_error(&err, "invalid_value", &["$.data.result[1].values[2][1]", "`NaN`"]);
}

#[test]
fn prometheus_series_without_samples() {
    let json = r#"{"status":"success","data":{"resultType":"matrix","result":[{"metric":{"client":"a","server":"b"},"values":[]}]}}"#;
    assert_error(&prom_err(json), "schema", &["$.data.result[0]", "no `values`"]);
    let json = r#"{"status":"success","data":{"resultType":"vector","result":[{"metric":{"client":"a","server":"b"},"values":[[1,"2"]]}]}}"#;
    assert_error(&prom_err(json), "schema", &["$.data.result[0]", "no `value`"]);
}

#[test]
fn prometheus_missing_labels() {
    let metric = r#"{"__name__":"traces_service_graph_request_total","server":"cartservice"}"#;
    let err = prom_err(&vector_answer(metric, r#""1""#));
    assert_error(&err, "schema", &["$.data.result[0].metric", "no `client` label"]);
    let metric = r#"{"client":"frontend"}"#;
    let err = prom_err(&vector_answer(metric, r#""1""#));
    assert_error(&err, "schema", &["$.data.result[0].metric", "no `server` label"]);
    let metric = r#"{"__name__":"traces_service_graph_request_total","client":"","server":"b"}"#;
    let err = prom_err(&vector_answer(metric, r#""1""#));
    assert_error(&err, "invalid_value", &["$.data.result[0].metric.client", "node id is empty"]);
}

#[test]
fn prometheus_ignored_series_need_no_labels_or_values() {
    let json = r#"{"status":"success","data":{"resultType":"vector","result":[
        {"metric":{"__name__":"traces_service_graph_request_server_seconds_bucket","le":"+Inf"},"value":[1,"NaN"]},
        {"metric":{"__name__":"traces_service_graph_dropped_spans_total"},"histogram":[1,{"count":"2"}]}
    ]}}"#;
    let fragment = parse_prometheus("query.json", json.as_bytes()).unwrap();
    assert_eq!((fragment.node_count(), fragment.edge_count()), (0, 0));
    assert_eq!(fragment.warnings().len(), 1, "only that no calls were observed: {:?}", fragment.warnings());
}

#[test]
fn prometheus_error_status() {
    let json = r#"{"status":"error","errorType":"bad_data","error":"invalid parameter \"query\": 1:30: parse error: unexpected right parenthesis ')'"}"#;
    assert_eq!(detect("query.json", json.as_bytes()).ok(), Some(Format::Prometheus), "detected by `errorType`");
    let err = prom_err(json);
    assert_error(&err, "schema", &["$.status", "query failed", "`error`", "`bad_data`", "invalid parameter"]);
    // An error answer with a `data` of another shape still reports the status.
    let json = r#"{"status":"error","errorType":"timeout","error":"query timed out in expression evaluation","data":{"resultType":"vector","result":"oops"}}"#;
    assert_error(&prom_err(json), "schema", &["$.status", "`timeout`", "query timed out"]);
}

#[test]
fn prometheus_unsupported_result_types() {
    let json = r#"{"status":"success","data":{"resultType":"scalar","result":[1700000000.123,"42"]}}"#;
    assert_error(&prom_err(json), "schema", &["$.data.resultType", "`scalar`", "expected `vector` or `matrix`"]);
    let json = r#"{"status":"success","data":{"resultType":"streams","result":[]}}"#;
    assert_error(&prom_err(json), "schema", &["$.data.resultType", "`streams`"]);
}

#[test]
fn prometheus_missing_data() {
    assert_error(&prom_err(r#"{"status":"success"}"#), "schema", &["no `data`"]);
    assert_error(&prom_err(r#"{"data":{"resultType":"vector","result":[]}}"#), "schema", &["missing field `status`"]);
}

#[test]
fn prometheus_wrong_types() {
    let err = prom_err(&vector_answer(REQUESTS, "42"));
    assert_error(&err, "schema", &["$.data.result[0].value[1]", "invalid type: integer `42`"]);
    let metric = r#"{"__name__":"traces_service_graph_request_total","client":"a","server":7}"#;
    let err = prom_err(&vector_answer(metric, r#""1""#));
    assert_error(&err, "schema", &["$.data.result[0].metric.server", "invalid type: integer `7`"]);
    let json = r#"{"status":"success","data":{"resultType":"vector","result":{"metric":{}}}}"#;
    assert_error(&prom_err(json), "schema", &["$.data.result", "expected a sequence"]);
    let json = r#"{"status":"success","data":{"resultType":"vector","result":[{"metric":{"client":"a","server":"b"},"value":[1]}]}}"#;
    assert_error(&prom_err(json), "schema", &["$.data.result[0].value"]);
}

#[test]
fn prometheus_truncated_json() {
    let bytes = data("prometheus-vector.json");
    let truncated = &bytes[..bytes.len() / 2];
    let err = parse_prometheus("prometheus-vector.json", truncated).unwrap_err();
    assert_error(&err, "syntax", &["prometheus-vector.json", "line"]);
}

#[test]
fn prometheus_deep_nesting() {
    let json = format!(
        r#"{{"status":"success","data":{{"resultType":"vector","result":{}{}}}}}"#,
        "[".repeat(100),
        "]".repeat(100)
    );
    assert_error(&prom_err(&json), "limit_exceeded", &["max_nesting_depth", "64"]);
}

#[test]
fn prometheus_merges_with_jaeger() {
    // Both views of one system: Jaeger's counts and the metrics' counts add
    // up on the shared edge, and the metrics' kind is kept.
    let mut builder = GraphBuilder::new(BuildOptions::default());
    builder
        .add(parse_jaeger("jaeger.json", br#"[{"parent":"frontend","child":"cartservice","callCount":10}]"#).unwrap())
        .unwrap();
    builder.add(parse_prometheus("prometheus-vector.json", &data("prometheus-vector.json")).unwrap()).unwrap();
    let graph = builder.build().unwrap();
    assert_eq!(graph.node_count(), 7);
    assert_eq!(counts(&graph, "frontend", "cartservice"), (3010, 0));
}

// ---- No panics on any input ----

proptest::proptest! {
    #[test]
    fn traces_no_panic_on_raw_bytes(bytes in proptest::collection::vec(proptest::num::u8::ANY, 0..512)) {
        let _ = parse_jaeger("fuzz.json", &bytes);
        let _ = parse_prometheus("fuzz.json", &bytes);
    }

    #[test]
    fn traces_no_panic_on_damaged_answers(
        file in proptest::sample::select(vec![
            "jaeger-hotrod.json",
            "jaeger-hotrod-envelope.json",
            "zipkin-dependencies.json",
            "prometheus-vector.json",
            "prometheus-matrix.json",
        ]),
        cut in 0usize..4096,
        flips in proptest::collection::vec((0usize..4096, proptest::num::u8::ANY), 0..4),
    ) {
        let mut bytes = data(file);
        for (at, byte) in flips {
            let len = bytes.len();
            bytes[at % len] = byte;
        }
        bytes.truncate(cut.min(bytes.len()));
        let _ = parse_jaeger(file, &bytes);
        let _ = parse_prometheus(file, &bytes);
    }
}

/// An answer whose `errors` is anything but `null` or `[]` failed, whatever
/// its shape (an audit: `"errors": "boom"` was dropped as a type error and
/// the answer read as data).
#[test]
fn jaeger_errors_of_any_shape_fail_the_answer() {
    let data = r#""data": [{"parent": "a", "child": "b", "callCount": 1}]"#;
    for errors in [r#""boom""#, "{}", "[null]", "[1]", r#"[{"code": 500, "msg": "down"}]"#] {
        let text = format!(r#"{{{data}, "errors": {errors}}}"#);
        let e = parse_jaeger("deps.json", text.as_bytes()).unwrap_err();
        assert!(matches!(e, GraphError::Schema(_)), "{errors}: {e:?}");
        assert!(e.to_string().contains("answered with an error"), "{errors}: {e}");
    }
    for fine in ["null", "[]"] {
        let text = format!(r#"{{{data}, "errors": {fine}}}"#);
        assert_eq!(parse_jaeger("deps.json", text.as_bytes()).unwrap().edge_count(), 1, "{fine}");
    }
}

/// A byte order mark (PowerShell's `Out-File`, Windows editors) is not
/// content: the answer reads and is detected as without one. Both were
/// refused ("cannot tell the graph format", "expected value").
#[test]
fn answers_with_a_byte_order_mark_read_as_without() {
    let bare = data("jaeger-hotrod.json");
    let bom = [b"\xEF\xBB\xBF".as_slice(), &bare].concat();
    assert_eq!(detect("deps.json", &bom).unwrap(), Format::Jaeger);
    let read = |bytes: &[u8]| build(parse_jaeger("deps.json", bytes).unwrap());
    assert_eq!(read(&bom).edge_count(), read(&bare).edge_count());
    let answer = vector_answer(REQUESTS, r#""7""#);
    let bom = format!("\u{feff}{answer}");
    assert_eq!(detect("query.json", bom.as_bytes()).unwrap(), Format::Prometheus);
    let graph = build(parse_prometheus("query.json", bom.as_bytes()).unwrap());
    assert_eq!(counts(&graph, "frontend", "cartservice"), (7, 0));
}

/// A label given twice in one series was read last-wins: `a -> b` was lost
/// without a word (an audit). It is refused, naming the series and label.
#[test]
fn prometheus_repeated_label_is_refused() {
    let json = r#"{"status":"success","data":{"resultType":"vector","result":[{"metric":{"__name__":"traces_service_graph_request_total","client":"a","server":"b","server":"c"},"value":[1,"4"]}]}}"#;
    let err = prom_err(json);
    assert_error(&err, "schema", &["$.data.result[0].metric", "duplicate label `server`", "`c`"]);
}

/// A one-line `kind: queue` entry for an observed service (another file
/// of the same trust; the riskier kind wins between them) must not turn
/// its observed calls around (a red-team pass: `payments -> fraud`
/// became `fraud -> payments`, emptying payments' radius).
#[test]
fn a_claimed_queue_keeps_its_observed_calls() {
    use blastgate_graph::{NodeKind, NodeSpec, Origin};
    let json = br#"[{"parent": "payments", "child": "fraud", "callCount": 40}]"#;
    let mut claim = GraphFragment::new("claim.yaml", Origin::Declared);
    let queue = NodeSpec { kind: Some(NodeKind::Queue), ..NodeSpec::default() };
    claim.declare("payments", queue, String::new).unwrap();
    let mut builder = GraphBuilder::new(BuildOptions::default());
    builder.add(parse_jaeger("deps.json", json).unwrap()).unwrap();
    builder.add(claim).unwrap();
    let graph = builder.build().unwrap();
    let mut set: Vec<(&str, &str)> = graph.dependencies().map(|(a, b, _)| (a.id(), b.id())).collect();
    set.sort_unstable();
    assert_eq!(set, [("fraud", "payments"), ("payments", "fraud")]);
}
