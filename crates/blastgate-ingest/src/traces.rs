//! Graphs observed in traces: the dependency links of Jaeger and Zipkin, and
//! the OpenTelemetry servicegraph metrics as Prometheus returns them.
//!
//! Both loaders produce [`Origin::Observed`] fragments: naming a service
//! declares it, and every edge carries call and error counts
//! ([`Observation`]) that the builder sums over duplicate records.
//!
//! # Sources for the field and label names
//!
//! - Jaeger `/api/dependencies`: `model.DependencyLink` in
//!   `jaegertracing/jaeger` (`model/dependencies.go`) serialises `parent`,
//!   `child`, `callCount` and `source`; the protobuf message of the same name
//!   in `jaegertracing/jaeger-idl` (`proto/api_v2/model.proto`) spells the
//!   count `call_count`, which proto3 JSON parsers accept, so we accept it as
//!   an alias. `source` is not the calling service: it names the system that
//!   produced the link (`jaeger` by default), so it is ignored like any other
//!   unknown field. No Jaeger code names endpoints `source`/`target`, so
//!   those are not read.
//! - Zipkin `/api/v2/dependencies`: the `DependencyLink` definition of the
//!   zipkin2 API (`openzipkin/zipkin-api`) requires `parent`, `child` and
//!   `callCount`, with an optional `errorCount`. Its links run parent to
//!   child: client to server, producer to broker, broker to consumer.
//! - Servicegraph metrics: the OpenTelemetry Collector `servicegraph`
//!   connector (`connector/servicegraphconnector`: `README.md`,
//!   `connector.go`, `internal/store/edge.go`) and Grafana Tempo's
//!   metrics-generator (`docs/sources/tempo/metrics-generator/service_graphs`)
//!   emit `traces_service_graph_request_total` and
//!   `traces_service_graph_request_failed_total` with the labels `client`,
//!   `server` and `connection_type`, whose values are unset (`""`),
//!   `virtual_node`, `messaging_system` or `database`. Histograms
//!   (`_request_server_seconds`, `_request_client_seconds`,
//!   `_request_messaging_system_seconds`) and span counters
//!   (`_unpaired_spans_total`, `_dropped_spans_total`) share the prefix and
//!   are ignored. Older connector versions also put a `failed` label on
//!   every series; the series of one pair are summed, so that label needs no
//!   special case. The Prometheus exporter's `namespace` option prefixes
//!   every name, which is why names are matched by suffix.

use std::collections::{BTreeMap, HashMap, HashSet};

use blastgate_graph::{
    EdgeKind, EdgeSpec, GraphError, GraphFragment, NodeKind, NodeSpec, Observation, Origin, limits, shorten,
};
use serde::Deserialize;
use serde::de::IgnoredAny;

use crate::doc;

/// Parses the answer of Jaeger's `/api/dependencies` or Zipkin's
/// `/api/v2/dependencies`: a JSON array of links, or Jaeger's envelope
/// `{"data": [...], ...}` around it.
///
/// Each link `{"parent": "a", "child": "b", "callCount": 42}` becomes the
/// edge `a -> b` (the parent calls, so depends on, the child) with 42
/// calls, unless `a` is a queue in the merged graph: Zipkin writes a
/// message's path producer -> broker -> consumer, so the builder reads a
/// queue's link as `b -> a`, the consumer depending on the broker
/// ([`GraphFragment::set_trace_links`]). A service named as brokers are
/// ([`BROKER_NAMES`]: `kafka`, `rabbitmq`, `jms`, ...) is stated to be a
/// queue. The JSON cannot tell a messaging link from a call otherwise.
/// Zipkin's optional `errorCount` becomes the error count.
/// `call_count` is accepted for `callCount`. Other fields are ignored.
/// Duplicate links are kept (the builder sums their counts); a link from a
/// service to itself is dropped with a warning naming its link.
/// An answer with no links (`[]`, `{"data": []}`) gives an empty fragment
/// with a warning: a query over the wrong time range or lookback observes
/// no calls, and a graph missing them would have smaller blast radii.
///
/// # Errors
/// [`GraphError::Syntax`] for invalid UTF-8 or malformed JSON;
/// [`GraphError::Schema`] for a missing or mistyped field (a fractional
/// count included) or an envelope without `data`, naming the JSON path
/// (`$.data[3].parent`); [`GraphError::InvalidValue`] for a negative count,
/// an empty service name or one with a control character;
/// [`GraphError::LimitExceeded`] for input over
/// [`limits::MAX_DOCUMENT_BYTES`], nesting over
/// [`limits::MAX_NESTING_DEPTH`], or too many nodes or edges.
pub fn parse_jaeger(file: &str, bytes: &[u8]) -> Result<GraphFragment, GraphError> {
    check_size(file, bytes)?;
    let text = doc::utf8(file, bytes)?;
    let (links, base) = if text.trim_start().starts_with('{') {
        (jaeger_envelope(file, text)?, "$.data")
    } else {
        (doc::from_json::<Vec<JaegerLink>>(file, text)?, "$")
    };
    let mut fragment = GraphFragment::new(file, Origin::Observed);
    fragment.set_trace_links();
    if links.is_empty() {
        fragment.warn(base, no_calls_message("dependency links"));
    }
    fragment.reserve(0, links.len());
    for (i, link) in links.into_iter().enumerate() {
        let dependent = link_node(&mut fragment, &link.parent, || format!("{base}[{i}].parent"))?;
        let dependency = link_node(&mut fragment, &link.child, || format!("{base}[{i}].child"))?;
        if dependent == dependency {
            fragment.self_loop(dependent, || format!("{base}[{i}]"));
            continue;
        }
        let observation = Observation { calls: link.call_count, errors: link.error_count.unwrap_or(0) };
        // Spans say that one service calls another, not how: the kind is
        // left to the dependency (sync to a service, data to a datastore a
        // catalog declares), so a call seen in traces never makes a declared
        // datastore's edge look lighter.
        fragment.edge(dependent, dependency, observed(None, observation))?;
    }
    Ok(fragment)
}

/// Parses the answer of a Prometheus instant or range query
/// (`/api/v1/query`, `/api/v1/query_range`) for OpenTelemetry servicegraph
/// metrics.
///
/// Series are recognised by the suffix of `__name__`, so exporter prefixes
/// do not matter: `..._service_graph_request_total` counts calls,
/// `..._service_graph_request_failed_total` counts errors, and a series
/// without `__name__` (the result of `sum by (client, server)`) counts
/// calls. Other `service_graph_` series are ignored; series of other metrics
/// are ignored with a warning. A counted series needs the labels `client`
/// and `server`. Its `connection_type` gives the edge: `messaging_system`
/// pairs a producer (client) with a consumer (server), and the consumer
/// depends on the producer, async (a producer's new message schema breaks
/// its consumers); otherwise the client depends on the server, `database`
/// being data, and `virtual_node`, empty, missing or an unknown value
/// (with a warning) stating no kind, which the dependency's kind then gives
/// (sync to a service). Values must be finite and not negative; they are rounded to
/// whole calls. A `matrix` result uses the last sample of each series. All
/// series of one `(client, server)` pair become one edge whose counts are
/// the sums (two edges when some are messaging series and some are not). An answer that counts no calls (`"result": []`, or only series
/// of other metrics) gives a fragment without edges, with a warning.
///
/// A `success` answer with a non-empty `warnings` array is refused: that is
/// how Prometheus, Thanos, Cortex and Mimir mark a partial response (a
/// store or querier did not answer), and series missing from it would be
/// edges missing from the graph.
///
/// # Errors
/// [`GraphError::Syntax`] for invalid UTF-8 or malformed JSON;
/// [`GraphError::Schema`] for a `status` other than `success` (quoting
/// Prometheus's error), `warnings` in the answer (quoting the first), a
/// `resultType` other than `vector` or `matrix`, a
/// missing `client` or `server` label, a series without a sample, or a
/// mistyped field, naming the JSON path; [`GraphError::InvalidValue`] for a
/// value that is not a number, is NaN, infinite, negative or too large, or
/// an empty service name, naming `$.data.result[i].value[1]`;
/// [`GraphError::LimitExceeded`] as for [`parse_jaeger`].
pub fn parse_prometheus(file: &str, bytes: &[u8]) -> Result<GraphFragment, GraphError> {
    check_size(file, bytes)?;
    let text = doc::utf8(file, bytes)?;
    let answer: PromAnswer = match doc::from_json(file, text) {
        Ok(answer) => answer,
        Err(e @ (GraphError::Schema(_) | GraphError::InvalidValue(_))) => {
            return Err(explain_prom_failure(file, text).unwrap_or(e));
        }
        Err(e) => return Err(e),
    };
    if answer.status != "success" {
        return Err(prom_status_error(file, &answer.status, answer.error_type.as_deref(), answer.error.as_deref()));
    }
    if let Some(first) = answer.warnings.as_deref().and_then(<[String]>::first) {
        return Err(prom_warnings_error(file, first, answer.warnings.as_deref().map_or(0, <[String]>::len)));
    }
    let Some(data) = answer.data else {
        return Err(GraphError::schema(file, "$", "", "the answer has no `data`")
            .with_help("save the whole JSON answer of the Prometheus query API"));
    };
    let matrix = match data.result_type.as_str() {
        "vector" => false,
        "matrix" => true,
        other => return Err(result_type_error(file, other)),
    };
    let mut reader = SeriesReader::new(file, matrix);
    for (i, series) in data.result.iter().enumerate() {
        reader.read(i, series)?;
    }
    reader.finish()
}

/// The names Zipkin's and Jaeger's messaging instrumentation give a
/// broker (the remote service of producer and consumer spans: Brave's
/// Kafka, RabbitMQ and JMS tracing, OpenTelemetry's `messaging.system`
/// values), compared without regard to ASCII case.
pub const BROKER_NAMES: [&str; 16] = [
    "activemq",
    "amqp",
    "artemis",
    "eventhubs",
    "jms",
    "kafka",
    "kinesis",
    "nats",
    "pubsub",
    "pulsar",
    "rabbitmq",
    "redpanda",
    "rocketmq",
    "servicebus",
    "sns",
    "sqs",
];

/// Interns a link's service; a broker's name ([`BROKER_NAMES`]) is stated
/// to be a queue (a catalog or native document, more trusted, may say
/// otherwise), so that its links to consumers are read consumer -> broker.
fn link_node(fragment: &mut GraphFragment, name: &str, place: impl FnOnce() -> String) -> Result<u32, GraphError> {
    if BROKER_NAMES.iter().any(|b| b.eq_ignore_ascii_case(name)) {
        let spec = NodeSpec { kind: Some(NodeKind::Queue), ..NodeSpec::default() };
        fragment.declare(name, spec, place)
    } else {
        fragment.node(name, place)
    }
}

/// One link of Jaeger's or Zipkin's dependencies answer.
#[derive(Deserialize)]
struct JaegerLink {
    parent: String,
    child: String,
    #[serde(rename = "callCount", alias = "call_count")]
    call_count: u64,
    #[serde(rename = "errorCount", default)]
    error_count: Option<u64>,
}

/// Jaeger's HTTP answer envelope; `total`, `limit`, `offset` and `errors`
/// are ignored unless `data` is missing.
#[derive(Deserialize)]
struct JaegerEnvelope {
    #[serde(default)]
    data: Option<Vec<JaegerLink>>,
}

/// The error part of Jaeger's envelope: any value but `null` or `[]` says
/// the answer failed (an audit: `"errors": "boom"` was a type error that
/// was dropped, and the answer read as data).
#[derive(Deserialize)]
struct JaegerErrors {
    #[serde(default)]
    errors: Option<serde_json::Value>,
}

/// Reads the envelope, reporting the query service's own error when it
/// answered with one instead of data.
fn jaeger_envelope(file: &str, text: &str) -> Result<Vec<JaegerLink>, GraphError> {
    let envelope: JaegerEnvelope = doc::from_json(file, text)?;
    // An answer that lists errors failed, whatever `data` holds: an empty
    // `data` beside them is not an empty system.
    let errors = doc::from_json::<JaegerErrors>(file, text)?
        .errors
        .filter(|e| !e.is_null() && e.as_array().is_none_or(|a| !a.is_empty()));
    if let (Some(links), None) = (envelope.data, &errors) {
        return Ok(links);
    }
    // The first error's `msg`, or the value itself when it is not a list
    // of such objects.
    let message = errors.map(|e| match e.get(0).and_then(|first| first.get("msg")).and_then(|m| m.as_str()) {
        Some(msg) => msg.to_owned(),
        None if e.is_array() => e.get(0).map(ToString::to_string).unwrap_or_default(),
        None => e.to_string(),
    });
    Err(match message {
        Some(msg) => GraphError::schema(
            file,
            "$.errors[0].msg",
            msg,
            "the query service answered with an error instead of dependencies",
        )
        .with_help("fix the request (for Jaeger, `endTs` and `lookback`) and save the answer again"),
        None => GraphError::schema(file, "$.data", "", "the answer has no `data` array of dependency links")
            .with_help("save the answer of Jaeger's `/api/dependencies` or Zipkin's `/api/v2/dependencies` as it is"),
    })
}

/// A Prometheus query API answer.
#[derive(Deserialize)]
struct PromAnswer {
    status: String,
    #[serde(default)]
    data: Option<PromData>,
    #[serde(rename = "errorType", default)]
    error_type: Option<String>,
    #[serde(default)]
    error: Option<String>,
    /// Set on a partial response (Prometheus's `warnings`, also used by
    /// Thanos, Cortex and Mimir when a store did not answer).
    #[serde(default)]
    warnings: Option<Vec<String>>,
}

#[derive(Deserialize)]
struct PromData {
    #[serde(rename = "resultType")]
    result_type: String,
    result: Vec<PromSeries>,
}

/// One series of a vector (`value`) or matrix (`values`) result.
#[derive(Deserialize)]
struct PromSeries {
    #[serde(default)]
    metric: Labels,
    #[serde(default)]
    value: Option<PromSample>,
    #[serde(default)]
    values: Option<Vec<PromSample>>,
}

/// A series' labels. A label given twice is refused, as duplicate keys are
/// everywhere else: read last-wins, `{"server":"b","server":"c"}` lost the
/// edge to `b` without a word (an audit).
#[derive(Default)]
struct Labels(BTreeMap<String, String>);

impl Labels {
    fn get(&self, label: &str) -> Option<&String> {
        self.0.get(label)
    }
}

impl<'de> Deserialize<'de> for Labels {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> serde::de::Visitor<'de> for V {
            type Value = Labels;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a map of label names to string values")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Labels, A::Error> {
                let mut labels = BTreeMap::new();
                while let Some((key, value)) = map.next_entry::<String, String>()? {
                    if labels.contains_key(&key) {
                        return Err(serde::de::Error::custom(format_args!(
                            "duplicate label `{}` (second value `{}`): which one holds is not known",
                            shorten(&key),
                            shorten(&value)
                        )));
                    }
                    labels.insert(key, value);
                }
                Ok(Labels(labels))
            }
        }
        d.deserialize_map(V)
    }
}

/// `[timestamp, "value"]`; the timestamp is not used. Read as a list of
/// exactly two, so that a third element is a schema error at the sample
/// (as a tuple it was "trailing characters", a JSON syntax error in a
/// well-formed file: a red-team finding).
struct PromSample(String);

impl<'de> Deserialize<'de> for PromSample {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> serde::de::Visitor<'de> for V {
            type Value = PromSample;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a sample of two: `[timestamp, \"value\"]`")
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<PromSample, A::Error> {
                use serde::de::Error as _;
                seq.next_element::<IgnoredAny>()?.ok_or_else(|| A::Error::invalid_length(0, &self))?;
                let value = seq.next_element::<String>()?.ok_or_else(|| A::Error::invalid_length(1, &self))?;
                let mut len = 2usize;
                while seq.next_element::<IgnoredAny>()?.is_some() {
                    len = len.saturating_add(1);
                }
                if len > 2 {
                    return Err(A::Error::invalid_length(len, &self));
                }
                Ok(PromSample(value))
            }
        }
        d.deserialize_seq(V)
    }
}

/// The parts of a Prometheus answer that explain why the full answer did
/// not parse: an error status, or a result type we do not read.
#[derive(Deserialize)]
struct PromHeader {
    #[serde(default)]
    status: Option<String>,
    #[serde(rename = "errorType", default)]
    error_type: Option<String>,
    #[serde(default)]
    error: Option<String>,
    #[serde(default)]
    data: Option<PromHeaderData>,
}

#[derive(Deserialize)]
struct PromHeaderData {
    #[serde(rename = "resultType", default)]
    result_type: Option<String>,
}

/// A better error than the schema error of the full parse, if the answer
/// is an error status (which has no usable `data`) or a scalar or string
/// result (whose `result` is not a list of series).
fn explain_prom_failure(file: &str, text: &str) -> Option<GraphError> {
    let header: PromHeader = doc::from_json(file, text).ok()?;
    if let Some(status) = header.status.as_deref()
        && status != "success"
    {
        return Some(prom_status_error(file, status, header.error_type.as_deref(), header.error.as_deref()));
    }
    let result_type = header.data?.result_type?;
    (result_type != "vector" && result_type != "matrix").then(|| result_type_error(file, &result_type))
}

fn prom_status_error(file: &str, status: &str, error_type: Option<&str>, error: Option<&str>) -> GraphError {
    let message = match error_type {
        Some(t) => format!("the query failed with status `{}` and error type `{}`", shorten(status), shorten(t)),
        None => format!("the query failed with status `{}`", shorten(status)),
    };
    GraphError::schema(file, "$.status", error.unwrap_or_default(), message)
        .with_help("fix the PromQL query and save an answer whose `status` is `success`")
}

fn prom_warnings_error(file: &str, first: &str, count: usize) -> GraphError {
    let message = format!(
        "the query succeeded with {count} warning{}: the answer may be partial (a store or querier did not \
         answer), and a missing series is a missing edge",
        if count == 1 { "" } else { "s" }
    );
    GraphError::schema(file, "$.warnings[0]", first, message).with_help(
        "query again and save an answer without `warnings` (Thanos: `partial_response=false` refuses partial answers)",
    )
}

/// The warning for an answer that observed no calls.
fn no_calls_message(what: &str) -> String {
    format!(
        "the file observed no calls (no {what}); wrong time range or lookback? Its edges are missing from the graph"
    )
}

fn result_type_error(file: &str, result_type: &str) -> GraphError {
    GraphError::schema(file, "$.data.resultType", result_type, "unsupported result type; expected `vector` or `matrix`")
        .with_help("query the servicegraph counters themselves, not a scalar or string expression")
}

/// What a series counts.
#[derive(Clone, Copy)]
enum Role {
    Calls,
    Errors,
}

/// Suffixes of the counted metrics, after any exporter prefix.
const CALLS_SUFFIX: &str = "service_graph_request_total";
const ERRORS_SUFFIX: &str = "service_graph_request_failed_total";
/// Every servicegraph metric name starts with the first or holds the second.
const SERVICE_GRAPH_PREFIX: &str = "service_graph_";
const SERVICE_GRAPH_INFIX: &str = "_service_graph_";
/// Most distinct unknown metric names or connection types warned about.
const MAX_DISTINCT_WARNINGS: usize = 16;

/// What a series is, from its `__name__`.
enum SeriesClass {
    /// A counter we read.
    Counted(Role),
    /// Another servicegraph metric (histograms, span counters).
    Ignored,
    /// Not a servicegraph metric at all.
    Foreign,
}

fn classify(name: Option<&str>) -> SeriesClass {
    let Some(name) = name else { return SeriesClass::Counted(Role::Calls) };
    let ends_with =
        |suffix: &str| name.strip_suffix(suffix).is_some_and(|prefix| prefix.is_empty() || prefix.ends_with('_'));
    if ends_with(CALLS_SUFFIX) {
        SeriesClass::Counted(Role::Calls)
    } else if ends_with(ERRORS_SUFFIX) {
        SeriesClass::Counted(Role::Errors)
    } else if name.starts_with(SERVICE_GRAPH_PREFIX) || name.contains(SERVICE_GRAPH_INFIX) {
        SeriesClass::Ignored
    } else {
        SeriesClass::Foreign
    }
}

/// The counts of one `(client, server)` pair, summed over its series.
struct PairCounts {
    dependent: u32,
    dependency: u32,
    observation: Observation,
    /// `None` until a series states a kind.
    kind: Option<EdgeKind>,
    /// The series the pair first appears in.
    first: usize,
}

/// Reads series one by one and merges them per `(client, server)` pair, in
/// the order pairs first appear.
struct SeriesReader<'a> {
    file: &'a str,
    matrix: bool,
    fragment: GraphFragment,
    pairs: Vec<PairCounts>,
    // INVARIANT: every value is an index into `pairs`. Keyed by dependent,
    // dependency and whether the series are messaging ones.
    index: HashMap<(u32, u32, bool), usize>,
    warned: HashSet<String>,
}

impl<'a> SeriesReader<'a> {
    fn new(file: &'a str, matrix: bool) -> Self {
        Self {
            file,
            matrix,
            fragment: GraphFragment::new(file, Origin::Observed),
            pairs: Vec::new(),
            index: HashMap::new(),
            warned: HashSet::new(),
        }
    }

    fn read(&mut self, i: usize, series: &PromSeries) -> Result<(), GraphError> {
        let name = series.metric.get("__name__").map(String::as_str);
        let role = match classify(name) {
            SeriesClass::Counted(role) => role,
            SeriesClass::Ignored => return Ok(()),
            SeriesClass::Foreign => {
                let name = name.unwrap_or_default();
                self.warn_once(
                    format!("metric:{name}"),
                    format!("$.data.result[{i}].metric.__name__"),
                    format!("`{}` is not a servicegraph metric; its series are ignored", shorten(name)),
                );
                return Ok(());
            }
        };
        let client = self.label(i, series, "client")?;
        let server = self.label(i, series, "server")?;
        let kind = self.kind(i, series);
        let count = self.count(i, series)?;
        let client_node = self.fragment.node(client, || format!("$.data.result[{i}].metric.client"))?;
        let server_node = self.fragment.node(server, || format!("$.data.result[{i}].metric.server"))?;
        // For `messaging_system` the connector pairs a producer span
        // (client) with a consumer span (server): the consumer depends on
        // the producer's messages, so a producer's change (a new message
        // schema) reaches it. Any other series is a call: the client
        // depends on the server. A pair with both kinds of series gives
        // both edges.
        let messaging = kind == Some(EdgeKind::Async);
        let (dependent, dependency) = if messaging { (server_node, client_node) } else { (client_node, server_node) };
        let key = (dependent, dependency, messaging);
        let slot = match self.index.get(&key) {
            Some(&slot) => slot,
            None => {
                let slot = self.pairs.len();
                self.pairs.push(PairCounts {
                    dependent,
                    dependency,
                    observation: Observation::default(),
                    kind,
                    first: i,
                });
                self.index.insert(key, slot);
                slot
            }
        };
        let Some(pair) = self.pairs.get_mut(slot) else {
            return Err(GraphError::invalid(
                self.file,
                format!("$.data.result[{i}]"),
                "",
                "internal error: pair index out of range",
            ));
        };
        match role {
            Role::Calls => pair.observation.calls = pair.observation.calls.saturating_add(count),
            Role::Errors => pair.observation.errors = pair.observation.errors.saturating_add(count),
        }
        // A stated kind (async, data) beats unset and virtual node series;
        // between two stated kinds the one that propagates failures more
        // (data) stays, whatever the order of the series.
        match (pair.kind, kind) {
            (None, _) => pair.kind = kind,
            (Some(old), Some(new)) if new != old => {
                let kept = if new == EdgeKind::Data { new } else { old };
                pair.kind = Some(kept);
                self.warn_once(
                    format!("kinds:{client}\u{0}{server}"),
                    format!("$.data.result[{i}].metric.connection_type"),
                    format!(
                        "series of `{}` -> `{}` disagree on `connection_type` ({old} and {new}); keeping {kept}",
                        shorten(client),
                        shorten(server)
                    ),
                );
            }
            _ => {}
        }
        Ok(())
    }

    /// A required label of a counted series.
    fn label<'s>(&self, i: usize, series: &'s PromSeries, label: &str) -> Result<&'s str, GraphError> {
        series.metric.get(label).map(String::as_str).ok_or_else(|| {
            GraphError::schema(self.file, format!("$.data.result[{i}].metric"), "", format!("the series has no `{label}` label"))
                .with_help("keep the `client` and `server` labels in the query, e.g. `sum by (client, server, connection_type) (...)`")
        })
    }

    /// The edge kind from `connection_type`.
    fn kind(&mut self, i: usize, series: &PromSeries) -> Option<EdgeKind> {
        match series.metric.get("connection_type").map(String::as_str) {
            None | Some("" | "virtual_node") => None,
            Some("messaging_system") => Some(EdgeKind::Async),
            Some("database") => Some(EdgeKind::Data),
            Some(other) => {
                self.warn_once(
                    format!("connection_type:{other}"),
                    format!("$.data.result[{i}].metric.connection_type"),
                    format!(
                        "unknown `connection_type` `{}`; no kind stated, so the dependency's kind gives it (sync \
                         to a service)",
                        shorten(other)
                    ),
                );
                None
            }
        }
    }

    /// The count of a series: its value, or the last of its values.
    fn count(&self, i: usize, series: &PromSeries) -> Result<u64, GraphError> {
        let (place, text) = if self.matrix {
            let samples = series.values.as_deref().unwrap_or_default();
            let Some((last, PromSample(text))) = samples.iter().enumerate().next_back() else {
                return Err(GraphError::schema(
                    self.file,
                    format!("$.data.result[{i}]"),
                    "",
                    "the series has no `values`",
                )
                .with_help("save the answer of a range query as it is; every series needs at least one sample"));
            };
            (format!("$.data.result[{i}].values[{last}][1]"), text)
        } else {
            let Some(PromSample(text)) = &series.value else {
                return Err(GraphError::schema(
                    self.file,
                    format!("$.data.result[{i}]"),
                    "",
                    "the series has no `value`",
                )
                .with_help("save the answer of an instant query as it is; every series needs a `value`"));
            };
            (format!("$.data.result[{i}].value[1]"), text)
        };
        parse_count(self.file, place, text)
    }

    fn warn_once(&mut self, key: String, place: String, message: String) {
        if self.warned.len() < MAX_DISTINCT_WARNINGS && self.warned.insert(key) {
            self.fragment.warn(place, message);
        }
    }

    fn finish(mut self) -> Result<GraphFragment, GraphError> {
        if self.pairs.is_empty() {
            self.fragment.warn("$.data.result", no_calls_message("servicegraph request counts"));
        }
        self.fragment.reserve(0, self.pairs.len());
        for pair in self.pairs {
            if pair.dependent == pair.dependency {
                let place = || format!("$.data.result[{}]", pair.first);
                // `orders -> orders` with `connection_type=database`: a
                // service and its database of the same name, which a
                // catalog may tell apart.
                if pair.kind == Some(EdgeKind::Data) {
                    self.fragment.data_self_loop(pair.dependent, observed(pair.kind, pair.observation), place);
                } else {
                    self.fragment.self_loop(pair.dependent, place);
                }
                continue;
            }
            self.fragment.edge(pair.dependent, pair.dependency, observed(pair.kind, pair.observation))?;
        }
        Ok(self.fragment)
    }
}

/// Parses a sample value (`"42"`, `"1.5e3"`) as a whole number of calls.
fn parse_count(file: &str, place: String, text: &str) -> Result<u64, GraphError> {
    /// 2^64: the first whole number a `u64` cannot hold.
    const TOO_LARGE: f64 = 18_446_744_073_709_551_616.0;
    // A whole number is read exactly: as a float, 2^64 - 1 rounds to 2^64
    // and was refused as too large (a red-team finding).
    if let Ok(whole) = text.parse::<u64>() {
        return Ok(whole);
    }
    let Ok(value) = text.parse::<f64>() else {
        return Err(GraphError::invalid(file, place, text, "sample value is not a number")
            .with_help("save the answer of the Prometheus query API as it is; values are decimal strings"));
    };
    if !value.is_finite() || value < 0.0 {
        return Err(GraphError::invalid(file, place, text, "sample value is not a finite, non-negative count")
            .with_help("query the servicegraph counters (or `increase(...)` of them), not an expression that can be NaN, infinite or negative"));
    }
    let rounded = value.round();
    if rounded >= TOO_LARGE {
        return Err(GraphError::invalid(file, place, text, "sample value is too large for a call count")
            .with_help("check the query; a call count must be below 2^64"));
    }
    // The value is finite, in [0, 2^64) and whole, so the cast is exact.
    Ok(rounded as u64)
}

/// The attributes of an observed edge.
fn observed(kind: Option<EdgeKind>, observation: Observation) -> EdgeSpec {
    EdgeSpec { kind, observation: Some(observation), ..EdgeSpec::default() }
}

/// Refuses input over [`limits::MAX_DOCUMENT_BYTES`], as [`crate::parse`]
/// does, for callers that use these parsers directly.
fn check_size(file: &str, bytes: &[u8]) -> Result<(), GraphError> {
    let max = limits::MAX_DOCUMENT_BYTES;
    if bytes.len() as u64 > max {
        return Err(GraphError::limit(file, "max_input_bytes", max, bytes.len() as u64));
    }
    Ok(())
}
