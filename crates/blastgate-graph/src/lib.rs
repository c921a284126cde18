//! The service dependency graph of blastgate: model, merging, validation
//! and the frozen query structure.
//!
//! This crate is internal; its API may change in any release. Use the
//! `blastgate` facade crate.
//!
//! Data flow: loaders (in `blastgate-ingest`) turn bytes into
//! [`GraphFragment`]s; a [`GraphBuilder`] merges fragments into a validated
//! [`ServiceGraph`] (on petgraph); [`ServiceGraph::freeze`] makes the
//! [`FrozenGraph`] that every traversal runs on.

mod build;
mod error;
mod fragment;
mod frozen;
mod graph;
mod least;
pub mod limits;
mod model;
pub mod radius;
mod scc;
pub mod synth;

pub use build::{
    BuildOptions, CO_OWNERS_LABEL, GraphBuilder, MAX_WARNINGS, WARNINGS_SHOWN, default_edge_kind, sample_warnings,
    sample_warnings_up_to,
};
pub use error::{ErrorDetail, GraphError, LimitExceeded, is_hidden, is_placeholder, shorten, shown};
pub use fragment::{GraphFragment, SELF_LOOP_WARNINGS, Warning, check_id};
pub use frozen::{FrozenGraph, snapshot};
pub use graph::{ServiceGraph, escape_dot};
pub use least::least;
pub use model::{
    Dependency, EdgeKind, EdgeSpec, Node, NodeKind, NodeRef, NodeSpec, Observation, Origin, Probability, Strength,
    Tier, Traffic,
};
pub use radius::{
    Affected, BlastRadius, EvidencePath, FLOOR_SLACK, MAX_EVIDENCE_PATH_NODES, RadiusConfig, RadiusScratch,
    ScratchPool, TierWeights, radius, radius_batch, radius_with, reach_count_batch, reach_count_with,
};
pub use scc::{Components, strongly_connected_components};
