//! The changeset model of blastgate: what changed (files, services,
//! infrastructure), by whom (author, seniority, AI provenance), how
//! (safety facts) and the derived change metrics.
//!
//! This crate is internal; use the `blastgate` facade crate.

pub mod classify;
mod error;
pub mod limits;
pub mod metrics;
pub mod model;
pub mod pathmatch;
pub mod resolve;
pub mod validate;

pub use blastgate_graph::is_placeholder;
pub use classify::{Classifier, KindRule};
pub use error::ChangeError;
pub use metrics::ChangeMetrics;
pub use model::{
    AI_TOOL_ACCOUNTS, API_VERSION, AUTONOMOUS_AGENT_TOOLS, AiInvolvement, Author, ChangeKind, Changeset, Contributor,
    FINAL_SNAPSHOT_TYPES, FileChange, FileStatus, HistoryMetrics, InfraAction, InfraChange, KIND, Provenance,
    ProvenanceSource, Rollout, SNAPSHOT_ON_DELETE_TYPES, Safety, address_of, address_steps, address_type,
    can_keep_final_snapshot, is_agent_account, is_ai_tool_account, is_autonomous_tool, keeps_final_snapshot,
    module_steps, name_words, repository_key, without_credentials,
};
pub use resolve::{
    ChangedBy, FileOwnership, NoMapping, PathMapping, ResolveOptions, ResolvedChange, RuleRank, TouchedNode,
    adds_tests, destroyed_path, destroys_infrastructure, destroys_resources, file_kind, loose_spellings, module_nodes,
    resolve,
};
